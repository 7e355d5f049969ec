// main/tasks/classify: the classify task.
export { runClassify } from './classify.ts';
