// main/tasks/similar: the similar task.
export { runSimilar, type SimilarOptions, type SimilarReport, type SimilarQuery } from './similar.ts';
