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
import { allowedHosts, hostAllowed, originAllowed } from './host-check.ts';
import { refusalLog } from './refusal-log.ts';
import { createRequestHandler, WRONG_HOST } from './request-handler.ts';
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
  /** Where the remote-binding warning and the refusals go (stderr unless given). */
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

/**
 * The largest legitimate message is export.png: a map snapshot's PNG as base64, which
 * main/api.ts caps at 48 MiB; the next largest, labels.save, sends polygons at
 * roughly 40 bytes a vertex, so a tighter limit would refuse real snapshots. A bigger frame closes
 * that one socket with 1009 before it is buffered whole; only token holders get this far.
 */
const MAX_MESSAGE_BYTES = 64 << 20;

/** The upgrade refused with a status and the reason as its body (ws clients show it). */
function reject(socket: Duplex, status: string, reason = ''): void {
  const body = reason ? `${reason}\n` : '';
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  socket.destroy();
}

export async function startHost(opts: HostOptions): Promise<RunningHost> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopback(host) && !opts.allowRemote) {
    throw new Error(`refusing to listen on ${host}: it is reachable from other machines; pass --allow-remote to do it anyway`);
  }
  const token = newToken();
  const warn = opts.warn ?? ((l) => process.stderr.write(`${l}\n`));
  const refused = refusalLog(warn);
  const service = createHandlers({ cacheDir: opts.cacheDir, transport: 'host' });
  let port = 0;
  let hosts = new Set<string>(); // filled once the port is known; nothing is served before
  const okHost = (h: string | undefined) => hostAllowed(hosts, h);
  const server = createServer(
    createRequestHandler({ token, port: () => port, staticDir: opts.staticDir, layers: service.layers, hostAllowed: okHost, refused }),
  );
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  wss.on('connection', (ws, req: IncomingMessage) => attachApiSocket(ws, service, (kind, reason) => refused(kind, req.socket.remoteAddress ?? '?', reason)));

  server.on('upgrade', (req, socket, head) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://host.invalid');
    } catch {
      return reject(socket, '400 Bad Request');
    }
    if (!okHost(req.headers.host)) {
      refused('Host', req.headers.host ?? '(none)', 'not this host (DNS rebinding guard)');
      return reject(socket, '403 Forbidden', WRONG_HOST);
    }
    if (url.pathname !== '/api') return reject(socket, '404 Not Found');
    // The WebSocket needs the token itself (query or header), not the cookie.
    if (!authorized(token, tokenSources(url, req.headers, port), false)) {
      refused('WebSocket from', req.socket.remoteAddress ?? '?', 'missing or wrong token');
      return reject(socket, '403 Forbidden', 'forbidden: missing or wrong token');
    }
    if (!originAllowed(req.headers.origin, req.headers.host)) {
      refused('Origin', req.headers.origin ?? '', 'not this page (another site cannot drive the engine)');
      return reject(socket, '403 Forbidden', 'forbidden: the Origin is not this host\'s page');
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
  hosts = allowedHosts(host, port, opts.allowRemote === true);
  if (!isLoopback(host)) {
    warn(
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
