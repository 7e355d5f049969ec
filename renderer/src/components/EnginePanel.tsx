// The engine panel: every execution provider with where it stands and why, in plain words
// first and the engine's own reason under it, then the installed models and their weights.
// A non-modal popover: focus moves in when it opens, Escape or a click elsewhere closes it
// and Escape gives focus back to the badge.
import { useEffect, useRef, type RefObject } from 'react';
import type { EngineStatus, InstalledModel, ProviderState, ProviderStatus } from '../../../main/api.ts';
import type { EngineView } from '../state/engine-status.ts';
import { formatBytes } from './format.ts';

const STATE_WORDS: Record<ProviderState, string> = {
  'in-use': 'in use',
  standby: 'ready',
  skipped: 'skipped',
  fails: 'does not start',
  unavailable: 'not available',
};

export interface EnginePanelProps {
  view: EngineView;
  onClose(refocus: boolean): void;
  anchor: RefObject<HTMLButtonElement | null>;
}

export function EnginePanel({ view, onClose, anchor }: EnginePanelProps) {
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => panel.current?.focus(), []);
  useEffect(() => {
    const onDown = (e: MouseEvent) => {
      const t = e.target as Node;
      if (!panel.current?.contains(t) && !anchor.current?.contains(t)) onClose(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [onClose, anchor]);

  return (
    <div id="engine-panel" ref={panel} className="engine-panel" role="dialog" aria-modal="false" aria-labelledby="engine-title"
      data-testid="engine-panel" tabIndex={-1}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose(true);
        }
      }}>
      <div className="modal-head">
        <h2 id="engine-title">Execution engine</h2>
        <button type="button" className="icon" aria-label="Close engine panel" onClick={() => onClose(true)}>×</button>
      </div>
      <div className="engine-body">
        {view.phase === 'ready' ? <StatusBody status={view.status} /> : view.phase === 'failed' ? (
          <p className="engine-warning" role="alert">The engine could not report its providers: {view.message}</p>
        ) : (
          <p className="empty">Probing execution providers…</p>
        )}
      </div>
    </div>
  );
}

function StatusBody({ status }: { status: EngineStatus }) {
  const used = status.providers.find((p) => p.name === status.provider);
  return (
    <>
      <p className="engine-used" data-testid="engine-used">
        Models run on <strong>{used ? `${used.label} (${used.name})` : 'nothing: no provider starts'}</strong>
        <span className="engine-version"> · ONNX Runtime {status.onnxruntime} · {status.platform}</span>
      </p>
      {status.warning && <p className="engine-warning" data-testid="engine-warning">{status.warning}</p>}
      <h3 className="panel-title" id="engine-providers">Execution providers (default order)</h3>
      <ul className="provider-list" aria-labelledby="engine-providers">
        {status.providers.map((p) => <ProviderRow key={p.name} p={p} />)}
      </ul>
      <h3 className="panel-title" id="engine-models">Installed models</h3>
      {status.models.length === 0 ? (
        <p className="empty" data-testid="no-models">
          No models installed. Drop a model folder (one with a manifest.json) into{' '}
          {status.searched.find((s) => s.source === 'user')?.dir ?? 'the user models folder'}.
        </p>
      ) : (
        <ul className="model-list" aria-labelledby="engine-models">
          {status.models.map((m) => <ModelRow key={m.dir} m={m} />)}
        </ul>
      )}
    </>
  );
}

function ProviderRow({ p }: { p: ProviderStatus }) {
  return (
    <li className={`provider provider-${p.state}`} data-testid="provider-row" data-provider={p.name} data-state={p.state}>
      <div className="provider-head">
        <span className="provider-summary" data-testid="provider-summary"><strong>{p.name}</strong>: {p.summary}</span>
        <span className={`state state-${p.state}`}>{STATE_WORDS[p.state]}</span>
      </div>
      {p.adapter && (
        <div className="provider-detail" data-testid="provider-adapter">
          adapter: {p.adapter.kind} — {p.adapter.detail}
        </div>
      )}
      {p.fp16Compute !== undefined && (
        <div className="provider-detail">float16 maths: {p.fp16Compute ? 'yes' : 'no'}</div>
      )}
      {p.reason && <div className="provider-reason" data-testid="provider-reason">{p.reason}</div>}
    </li>
  );
}

function ModelRow({ m }: { m: InstalledModel }) {
  return (
    <li className="model" data-testid="model-row" data-model={m.name}>
      <div className="model-head">
        <strong>{m.name}</strong>
        <span className="badge" data-testid="model-kind">{m.kind ?? 'unknown kind'}</span>
        <span className={`badge${m.weights === 'random-init' ? ' warn' : ''}`} data-testid="model-weights">
          {m.weights ? `${m.weights} weights` : 'weights unknown'}
        </span>
        {m.problems.length > 0 && (
          <span className="badge warn">{m.problems.length} problem{m.problems.length === 1 ? '' : 's'}</span>
        )}
      </div>
      {m.title && <div className="provider-detail">{m.title}</div>}
      <div className="provider-detail">
        {m.modules.length} module{m.modules.length === 1 ? '' : 's'}{m.modules.length ? ` (${m.modules.map((x) => x.name).join(', ')})` : ''}
        {m.bytes ? `, ${formatBytes(m.bytes)}` : ''} · {m.source} · <span title={m.dir}>{m.dir}</span>
      </div>
      {m.problems.map((text, i) => <div key={i} className="provider-reason model-problem">{text}</div>)}
    </li>
  );
}
