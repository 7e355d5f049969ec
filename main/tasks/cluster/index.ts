// main/tasks/cluster: the cluster task.
export { runCluster, MAX_K, type ClusterOptions, type ClusterReport } from './cluster.ts';
