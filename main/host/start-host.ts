/**
 * The headless host: the renderer build, the layer files and the contract over one
 * port of this machine, for a browser tab instead of the Electron window.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { createHandlers, type Service } from '../service/index.ts';
import { attachApiSocket } from './api-socket.ts';
import { isLoopback, urlHost } from './bind-address.ts';
import { createRequestHandler } from './request-handler.ts';
import { authorized, newToken, tokenSources } from './token.ts';

export interface HostOptions {
  /** 0 picks a free port. */
  port?: number;
  /** Bind address; 127.0.0.1 unless given. Anything but loopback needs allowRemote. */
  host?: string;
  allowRemote?: boolean;
  /** The renderer build (dist/renderer). */
  staticDir: string;
  cacheDir: string;
  /** Where the remote-binding warning goes. */
  warn?: (line: string) => void;
}

export interface RunningHost {
  url: string;
  token: string;
  port: number;
  host: string;
  service: Service;
  close(): Promise<void>;
}

// Room for a map snapshot's PNG bytes (export.png, base64); only token holders get this far.
const MAX_MESSAGE_BYTES = 64 << 20;

function reject(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

/** A browser page elsewhere must not drive the engine even if it learned the token. */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true; // non-browser clients (tests, scripts) send none
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export async function startHost(opts: HostOptions): Promise<RunningHost> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopback(host) && !opts.allowRemote) {
    throw new Error(`refusing to listen on ${host}: it is reachable from other machines; pass --allow-remote to do it anyway`);
  }
  const token = newToken();
  const service = createHandlers({ cacheDir: opts.cacheDir, transport: 'host' });
  let port = 0;
  const server = createServer(createRequestHandler({ token, port: () => port, staticDir: opts.staticDir, layers: service.layers }));
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  wss.on('connection', (ws) => attachApiSocket(ws, service));

  server.on('upgrade', (req, socket, head) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://host.invalid');
    } catch {
      return reject(socket, '400 Bad Request');
    }
    if (url.pathname !== '/api') return reject(socket, '404 Not Found');
    // The WebSocket needs the token itself (query or header), not the cookie.
    if (!authorized(token, tokenSources(url, req.headers, port), false) || !sameOrigin(req)) {
      return reject(socket, '403 Forbidden');
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  await new Promise<void>((resolve, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', rejectListen);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  if (!isLoopback(host)) {
    (opts.warn ?? ((l) => process.stderr.write(`${l}\n`)))(
      `WARNING: listening on ${host}: anyone who can reach this machine and learns the token can read the files you open`,
    );
  }

  let closed: Promise<void> | null = null;
  const close = () => {
    closed ??= (async () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await service.close();
    })();
    return closed;
  };
  return { url: `http://${urlHost(host, port)}/?token=${token}`, token, port, host, service, close };
}
