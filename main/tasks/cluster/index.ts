// main/tasks/cluster: the cluster task.
export { runCluster } from './cluster.ts';
