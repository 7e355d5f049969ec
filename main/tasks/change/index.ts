// main/tasks/change: the change task.
export { runChange } from './change.ts';
export { checkSameGrid } from './date-pair.ts';
