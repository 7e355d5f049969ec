// main/tasks/change: the change task.
export { runChange, type ChangeOptions, type ChangeReport } from './change.ts';
