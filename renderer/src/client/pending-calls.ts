// Bookkeeping shared by both transports: ids, the promise of each call in flight,
// progress routing and cancellation. A transport only moves messages.
import type { ClientMessage, CommandName, Progress, ReplyOf, RequestOf, ServerMessage } from '../../../main/api.ts';
import { CallError } from './call-error.ts';

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
  onProgress?: (p: Progress) => void;
  cleanup(): void;
}

export class PendingCalls {
  private readonly pending = new Map<string, Pending>();
  private next = 1;
  private closedReason: string | null = null;

  constructor(private readonly post: (msg: ClientMessage) => void) {}

  call<C extends CommandName>(
    command: C,
    args: RequestOf<C>,
    options: { signal?: AbortSignal; onProgress?: (p: Progress) => void } = {},
  ): Promise<ReplyOf<C>> {
    if (this.closedReason) return Promise.reject(new CallError({ code: 'E_INTERNAL', message: this.closedReason }));
    const { signal, onProgress } = options;
    if (signal?.aborted) return Promise.reject(new CallError({ code: 'E_CANCELLED', message: `${command}: cancelled` }));
    const callId = `c${this.next++}-${Date.now().toString(36)}`;
    return new Promise<ReplyOf<C>>((resolve, reject) => {
      // The engine answers a cancel with an E_CANCELLED reply; we still reject at once so
      // the UI never waits on a slow or stuck handler.
      const onAbort = () => {
        this.post({ type: 'cancel', callId });
        this.settle(callId)?.reject(new CallError({ code: 'E_CANCELLED', message: `${command}: cancelled` }));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(callId, {
        resolve: resolve as (v: unknown) => void,
        reject,
        onProgress,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      });
      try {
        this.post({ type: 'call', callId, command, args });
      } catch (err) {
        this.settle(callId)?.reject(new CallError({ code: 'E_INTERNAL', message: `${command}: ${String(err)}` }));
      }
    });
  }

  /** Feed one message from the transport. */
  receive(msg: ServerMessage): void {
    if (msg.type === 'progress') {
      this.pending.get(msg.progress.callId)?.onProgress?.(msg.progress);
      return;
    }
    if (msg.type !== 'reply') return; // job events: for a jobs view, not for a call in flight
    const p = this.settle(msg.callId);
    if (!p) return;
    if (msg.ok) p.resolve(msg.value);
    else p.reject(new CallError(msg.error));
  }

  /** The transport is gone: fail everything in flight and every later call. */
  close(reason: string): void {
    this.closedReason = reason;
    for (const id of [...this.pending.keys()]) this.settle(id)?.reject(new CallError({ code: 'E_INTERNAL', message: reason }));
  }

  private settle(callId: string): Pending | undefined {
    const p = this.pending.get(callId);
    if (!p) return undefined;
    this.pending.delete(callId);
    p.cleanup();
    return p;
  }
}
