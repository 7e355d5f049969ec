// main/tasks/segment: the segment task.
export { runSegment } from './segment.ts';
