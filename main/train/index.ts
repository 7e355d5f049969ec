// main/train: task heads trained on the analyst's labels over the frozen encoder's features, written as head folders the engine runs.
export { trainTaskHead, type TrainTaskOptions, type TrainReport } from './train-head.ts';
export type { HeadType } from './head-weights.ts';
export type { TrainSeries } from './feature-cache.ts';
export { evalHead, type EvalHeadOptions, type EvalReport } from './eval-head.ts';
export { runTrainJob, type TrainJobOptions } from './train-job.ts';
export { keepHead } from './head-keep.ts';
