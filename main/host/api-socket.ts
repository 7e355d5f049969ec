/**
 * The contract over WebSocket: JSON text frames, ClientMessage in, ServerMessage out,
 * one Dispatcher per socket so a closed tab cancels what it started. A frame that is not
 * a JSON text message gets an error reply naming the problem and the socket stays open;
 * one over the host's size limit closes only this socket, with 1009 (ws does that).
 */
import type { RawData, WebSocket } from 'ws';
import type { EngineEvents, Handlers, ServerMessage } from '../api.ts';
import { Dispatcher } from '../service/index.ts';

/** Non-finite numbers as strings (see NonFiniteWireKey in main/api.ts). */
function encodeWire(msg: unknown): string {
  return JSON.stringify(msg, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
}

type Decoded = { ok: true; value: unknown } | { ok: false; problem: string };

function decode(data: RawData, isBinary: boolean): Decoded {
  if (isBinary) return { ok: false, problem: 'malformed message: a binary frame (messages are JSON text)' };
  const text = Array.isArray(data) ? Buffer.concat(data).toString() : Buffer.from(data as ArrayBuffer).toString();
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, problem: `malformed message: not JSON (${(err as Error).message.split('\n')[0].slice(0, 120)})` };
  }
}

export function attachApiSocket(
  ws: WebSocket,
  handlers: Handlers & EngineEvents,
  refused: (kind: string, reason: string) => void = () => undefined,
): void {
  const send = (msg: ServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(encodeWire(msg));
  };
  const dispatcher = new Dispatcher(handlers, send, handlers);
  ws.on('message', (data, isBinary) => {
    const d = decode(data, isBinary);
    if (d.ok) return void dispatcher.receive(d.value);
    refused('WebSocket message from', d.problem);
    send({ type: 'reply', callId: '?', ok: false, error: { code: 'E_BAD_REQUEST', message: d.problem } });
  });
  ws.on('close', () => dispatcher.dispose());
  ws.on('error', (err) => {
    refused('WebSocket message from', err.message); // e.g. "Max payload size exceeded"
    dispatcher.dispose();
  });
}
