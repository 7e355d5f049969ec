/**
 * Test-side helpers for the host: a real WebSocket client speaking the wire protocol
 * of main/api.ts, and a real host started on a free port with a temp cache folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { JobInfo, Progress, ServerMessage } from '../../main/api.ts';
import { startHost, type RunningHost } from '../../main/host/index.ts';

type Reply = Extract<ServerMessage, { type: 'reply' }>;

export class WsTestClient {
  private readonly waiting = new Map<string, (r: Reply) => void>();
  readonly progress: Progress[] = [];
  readonly replies: Reply[] = [];
  /** Every `job` event, in arrival order. */
  readonly jobEvents: JobInfo[] = [];
  private next = 0;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as ServerMessage;
      if (msg.type === 'progress') this.progress.push(msg.progress);
      else if (msg.type === 'job') this.jobEvents.push(msg.job);
      else {
        this.replies.push(msg);
        this.waiting.get(msg.callId)?.(msg);
        this.waiting.delete(msg.callId);
      }
    });
  }

  static connect(url: string, headers: Record<string, string> = {}): Promise<WsTestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      ws.once('open', () => resolve(new WsTestClient(ws)));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  /** Resolves with the reply to callId (registered before anything is sent). */
  replyTo(callId: string): Promise<Reply> {
    const seen = this.replies.find((r) => r.callId === callId);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiting.set(callId, resolve));
  }

  sendRaw(text: string): void {
    this.ws.send(text);
  }

  start(command: string, args: unknown): { callId: string; reply: Promise<Reply> } {
    const callId = `c${++this.next}`;
    const reply = this.replyTo(callId);
    this.ws.send(JSON.stringify({ type: 'call', callId, command, args }));
    return { callId, reply };
  }

  call(command: string, args: unknown): Promise<Reply> {
    return this.start(command, args).reply;
  }

  /** The value of a successful call; fails the test with the error otherwise. */
  async value<T>(command: string, args: unknown): Promise<T> {
    const r = await this.call(command, args);
    if (!r.ok) throw new Error(`${command} failed: ${r.error.code} ${r.error.message}`);
    return r.value as T;
  }

  cancel(callId: string): void {
    this.ws.send(JSON.stringify({ type: 'cancel', callId }));
  }

  close(): void {
    this.ws.close();
  }
}

export interface TestHost {
  host: RunningHost;
  cacheDir: string;
  wsUrl: string;
  base: string;
  stop(): Promise<void>;
}

export async function startTestHost(staticDir = join(tmpdir(), 'skysense-no-ui')): Promise<TestHost> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'skysense-host-cache-'));
  const host = await startHost({ port: 0, staticDir, cacheDir });
  const base = `http://127.0.0.1:${host.port}`;
  return {
    host,
    cacheDir,
    base,
    wsUrl: `ws://127.0.0.1:${host.port}/api?token=${host.token}`,
    stop: async () => {
      await host.close();
      rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}

/** Repository root, from which ../shared/data is resolved. */
export const repoRoot = join(import.meta.dirname, '..', '..');
export const samplesDir = join(repoRoot, '..', 'shared', 'data', 'samples');
