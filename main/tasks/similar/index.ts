// main/tasks/similar: the similar task.
export { runSimilar } from './similar.ts';
