// main/tasks/classify: the classify task.
export { runClassify } from './classify.ts';
export type { ClassifyOptions, ClassifyReport, ClassifySeriesReport } from './classify-report.ts';
