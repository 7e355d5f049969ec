// Browser mode: the contract over one WebSocket to the headless host. No automatic
// reconnect: the host holds the layers of this connection, so a new socket would
// silently see another session; the UI says "disconnected" and asks for a reload.
import type { ClientMessage, ServerMessage } from '../../../main/api.ts';
import { ConnectionCell, JobListeners, type AppClient } from './app-client.ts';
import { PendingCalls } from './pending-calls.ts';
import { decodeWire } from './wire.ts';

export function createWsClient(loc: Location = window.location): AppClient {
  const token = new URLSearchParams(loc.search).get('token') ?? '';
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(`${scheme}//${loc.host}/api?token=${encodeURIComponent(token)}`);
  const conn = new ConnectionCell('connecting');
  const jobs = new JobListeners();
  const queue: string[] = [];

  const calls = new PendingCalls((msg: ClientMessage) => {
    const text = JSON.stringify(msg);
    if (socket.readyState === WebSocket.OPEN) socket.send(text);
    else if (socket.readyState === WebSocket.CONNECTING) queue.push(text);
    else throw new Error('not connected to the SkySense host');
  });

  socket.addEventListener('open', () => {
    conn.set('connected');
    for (const text of queue.splice(0)) socket.send(text);
  });
  socket.addEventListener('message', (ev) => {
    if (typeof ev.data !== 'string') return;
    let msg: ServerMessage;
    try {
      msg = decodeWire(ev.data) as ServerMessage;
    } catch {
      return; // the host only sends JSON; anything else is not ours to act on
    }
    if (msg.type === 'job') jobs.emit(msg.job);
    else calls.receive(msg);
  });
  socket.addEventListener('close', (ev) => {
    conn.set('disconnected');
    const why = ev.code === 1008 || ev.code === 4403 ? ' (token refused)' : '';
    calls.close(`disconnected from the SkySense host${why}; reload the page`);
  });

  const origin = `${loc.protocol}//${loc.host}`;
  return {
    transport: 'host',
    get connection() {
      return conn.state;
    },
    onConnection: (cb) => conn.subscribe(cb),
    call: (command, args, options) => calls.call(command, args, options),
    // The token rides in the query too, because <img> (PNG/JPEG layers) cannot send headers.
    dataUrl: (path) => `${origin}${path.startsWith('/') ? '' : '/'}${path}?token=${encodeURIComponent(token)}`,
    dataHeaders: () => ({ 'X-SkySense-Token': token }),
    // A browser never learns where a dropped file lives on disk.
    pathForFile: () => null,
    onMenu: () => () => undefined,
    onJob: (cb) => jobs.subscribe(cb),
  };
}
