/**
 * The contract over WebSocket: JSON text frames, ClientMessage in, ServerMessage out,
 * one Dispatcher per socket so a closed tab cancels what it started.
 */
import type { WebSocket } from 'ws';
import type { EngineEvents, Handlers, ServerMessage } from '../api.ts';
import { Dispatcher } from '../service/index.ts';

/** Non-finite numbers as strings (see NonFiniteWireKey in main/api.ts). */
function encodeWire(msg: unknown): string {
  return JSON.stringify(msg, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
}

export function attachApiSocket(ws: WebSocket, handlers: Handlers & EngineEvents): void {
  const send = (msg: ServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(encodeWire(msg));
  };
  const dispatcher = new Dispatcher(handlers, send, handlers);
  ws.on('message', (data, isBinary) => {
    let raw: unknown = null; // anything unparsable reaches the dispatcher as malformed
    if (!isBinary) {
      try {
        raw = JSON.parse(data.toString());
      } catch {
        raw = null;
      }
    }
    void dispatcher.receive(raw);
  });
  ws.on('close', () => dispatcher.dispose());
  ws.on('error', () => dispatcher.dispose());
}
