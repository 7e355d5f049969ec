// Every failure shows here with its file and message; nothing fails silently.
import { dismissNotice } from '../state/notices.ts';
import { baseName } from '../state/open-action.ts';
import { useApp } from '../state/use-app.ts';

export function ErrorBanner() {
  const notices = useApp((s) => s.notices);
  if (notices.length === 0) return null;
  return (
    <div className="banner-stack" role="alert" aria-live="assertive">
      {notices.map((n) => (
        <div key={n.id} className="banner" data-testid="error-message" data-code={n.code}>
          {n.file && <strong className="banner-file" title={n.file}>{baseName(n.file)}</strong>}
          <span className="banner-text">{n.message}</span>
          <span className="banner-code">{n.code}</span>
          <button type="button" className="icon" aria-label="Dismiss error" onClick={() => dismissNotice(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
