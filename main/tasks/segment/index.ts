// main/tasks/segment: the segment task.
export { runSegment, type SegmentOptions, type SegmentReport } from './segment.ts';
