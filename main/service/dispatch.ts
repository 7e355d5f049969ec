/**
 * The one place where a raw message from any transport becomes a typed call into
 * the engine. Validation happens here, before any handler runs, so that neither the
 * IPC nor the WebSocket transport can forget it.
 */
import {
  ApiError,
  ClientMessage,
  commands,
  isCommandName,
  type ApiErrorShape,
  type EngineEvents,
  type Handlers,
  type Progress,
  type ServerMessage,
} from '../api.ts';

export function toErrorShape(err: unknown): ApiErrorShape {
  if (err instanceof ApiError) return err.toJSON();
  if (err && typeof err === 'object' && (err as { name?: string }).name === 'AbortError') {
    return { code: 'E_CANCELLED', message: 'cancelled' };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'E_INTERNAL', message: message.split('\n')[0] };
}

/**
 * One dispatcher per connection (window or socket): it owns the abort controllers of
 * that connection's calls so a cancel message or a disconnect stops them.
 */
export class Dispatcher {
  private readonly running = new Map<string, AbortController>();
  private readonly unsubscribe: () => void;

  /** `events`: job changes, forwarded to this connection as `job` messages until dispose. */
  constructor(
    private readonly handlers: Handlers,
    private readonly send: (msg: ServerMessage) => void,
    events?: EngineEvents,
  ) {
    this.unsubscribe = events?.onJob((job) => send({ type: 'job', job })) ?? (() => undefined);
  }

  /** Handle one raw message; never throws. */
  async receive(raw: unknown): Promise<void> {
    const parsed = ClientMessage.safeParse(raw);
    if (!parsed.success) {
      const callId = raw && typeof raw === 'object' && typeof (raw as { callId?: unknown }).callId === 'string'
        ? (raw as { callId: string }).callId
        : '?';
      // Name the first problem (a missing callId, an unknown type) so a client can be fixed.
      const first = parsed.error.issues[0];
      const where = first?.path?.length ? `${first.path.join('.')}: ` : '';
      const message = `malformed message: ${where}${first?.message ?? 'not a call or cancel'}`;
      this.send({ type: 'reply', callId, ok: false, error: { code: 'E_BAD_REQUEST', message } });
      return;
    }
    const msg = parsed.data;
    if (msg.type === 'cancel') {
      this.running.get(msg.callId)?.abort();
      return;
    }
    const { callId, command, args } = msg;
    if (!isCommandName(command)) {
      this.send({ type: 'reply', callId, ok: false, error: { code: 'E_BAD_REQUEST', message: `unknown command "${command}"` } });
      return;
    }
    const spec = commands[command];
    const checked = spec.request.safeParse(args ?? {});
    if (!checked.success) {
      const first = checked.error.issues[0];
      const where = first?.path?.length ? first.path.join('.') : 'argument';
      this.send({
        type: 'reply', callId, ok: false,
        error: { code: 'E_BAD_REQUEST', message: `${command}: ${where}: ${first?.message ?? 'invalid'}` },
      });
      return;
    }
    const controller = new AbortController();
    this.running.set(callId, controller);
    let lastProgressAt = 0;
    const ctx = {
      signal: controller.signal,
      progress: (stage: string, done: number, total: number, message?: string) => {
        // Throttle: the UI needs ~10 updates/s at most; the last one always goes out.
        const now = Date.now();
        if (done < total && now - lastProgressAt < 100) return;
        lastProgressAt = now;
        const progress: Progress = { callId, stage, done, total, ...(message ? { message } : {}) };
        this.send({ type: 'progress', progress });
      },
    };
    try {
      const handler = this.handlers[command] as (a: unknown, c: typeof ctx) => Promise<unknown>;
      const value = await handler(checked.data, ctx);
      if (controller.signal.aborted) throw new ApiError('E_CANCELLED', `${command} cancelled`);
      this.send({ type: 'reply', callId, ok: true, value });
    } catch (err) {
      this.send({ type: 'reply', callId, ok: false, error: controller.signal.aborted ? { code: 'E_CANCELLED', message: `${command} cancelled` } : toErrorShape(err) });
    } finally {
      this.running.delete(callId);
    }
  }

  /** The connection went away: stop the calls it started (jobs run on; job.list finds them). */
  dispose(): void {
    this.unsubscribe();
    for (const c of this.running.values()) c.abort();
    this.running.clear();
  }
}
