// main/tasks/cluster: the cluster task.
export { runCluster } from './cluster.ts';
export { seededRandom } from './kmeans.ts';
export { clusterColour, hex } from './cluster-palette.ts';
