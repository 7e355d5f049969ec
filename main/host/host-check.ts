/**
 * Which Host and Origin headers the host answers. A page on evil.example whose name is
 * re-pointed at 127.0.0.1 (DNS rebinding) reaches our port as same-origin to itself, but
 * its requests still say `Host: evil.example:PORT`, so only our own names pass: the
 * loopback names, and with --allow-remote the bound address (every address of this
 * machine and its hostname when bound to a wildcard, since clients use those).
 */
import { hostname, networkInterfaces } from 'node:os';
import { urlHost } from './bind-address.ts';

const WILDCARD = new Set(['0.0.0.0', '::', '[::]']);

function machineAddresses(): string[] {
  const out = [hostname()];
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) out.push(a.address.replace(/%.*$/, ''));
  return out;
}

/** The Host header values (lower case) this host answers to. */
export function allowedHosts(bindHost: string, port: number, allowRemote: boolean): Set<string> {
  const names = ['127.0.0.1', 'localhost', '::1'];
  if (!WILDCARD.has(bindHost)) names.push(bindHost);
  else if (allowRemote) names.push(...machineAddresses());
  const out = new Set<string>();
  for (const n of names) {
    out.add(urlHost(n, port).toLowerCase());
    // Browsers leave the port out of Host when it is the scheme's default.
    if (port === 80) out.add(urlHost(n, port).toLowerCase().replace(/:80$/, ''));
  }
  return out;
}

export function hostAllowed(allowed: Set<string>, header: string | undefined): boolean {
  return header !== undefined && allowed.has(header.toLowerCase());
}

/**
 * A browser page elsewhere must not drive the engine even if it learned the token: its
 * Origin must be this page's own (http, the same Host). Non-browser clients send none.
 */
export function originAllowed(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  try {
    const u = new URL(origin);
    return u.protocol === 'http:' && host !== undefined && u.host === host.toLowerCase();
  } catch {
    return false;
  }
}
