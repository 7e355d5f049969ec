/** What the shared dispatch needs from any task's run report: every task's report has these. */
export interface TaskReport {
  provider?: string;
  timings?: { total?: number };
  outputs?: { path: string; dataType?: string }[];
  warnings?: string[];
}

/** A task's run as the dispatch returns it: the report, and the polygons written beside it when asked. */
export interface TaskResult {
  report: TaskReport;
  vectors?: { path: string; polygons: number };
}

/** What a task run is given besides its request. */
export interface TaskHooks {
  progress: (p: import('../tiler/index.ts').TiledProgress) => void;
  signal: AbortSignal;
}
