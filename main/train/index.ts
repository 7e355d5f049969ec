// main/train: task heads trained on the analyst's labels over the frozen encoder's features, written as head folders the engine runs.
export { trainSegmentHead, type TrainSegmentOptions, type TrainReport } from './train-segment.ts';
export type { HeadType } from './head-weights.ts';
export { evalSegmentHead, type EvalSegmentOptions, type EvalReport } from './eval-segment.ts';
export { runTrainJob } from './train-job.ts';
