// The running open: stage, percentage and a Cancel that aborts the call.
import { useApp } from '../state/use-app.ts';

export function OpenProgress() {
  const task = useApp((s) => s.openTask);
  if (!task) return null;
  const pct = task.total > 0 ? Math.min(100, Math.round((task.done / task.total) * 100)) : null;
  return (
    <div className="progress-card" data-testid="open-progress" role="status" aria-live="polite">
      <div className="progress-head">
        <span className="progress-label" title={task.label}>Opening {task.label}</span>
        <button type="button" data-testid="open-cancel" onClick={() => task.cancel()}>
          Cancel
        </button>
      </div>
      <div className="progress-stage">
        {task.stage}
        {pct !== null ? ` — ${pct}%` : ''}
      </div>
      <div className="progress-bar" role="progressbar" aria-valuemin={0} aria-valuemax={100}
        aria-valuenow={pct ?? undefined} aria-label="Open progress">
        <div className={pct === null ? 'progress-fill indeterminate' : 'progress-fill'} style={pct === null ? undefined : { width: `${pct}%` }} />
      </div>
    </div>
  );
}
