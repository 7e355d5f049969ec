/**
 * The per-start secret that every host request must carry: in `?token=`, the
 * `X-SkySense-Token` header, or the cookie set when index.html is first loaded with
 * the token (so the page's own asset requests, which carry no query, pass too).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export function newToken(): string {
  return randomBytes(32).toString('hex');
}

/** Constant-time; hashing first makes lengths equal so timingSafeEqual cannot throw. */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string' || given.length === 0) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

/** Cookies are not isolated by port, so the name carries it: two hosts never mix. */
export function cookieName(port: number): string {
  return `skysense_token_${port}`;
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

export interface TokenSources {
  query: string | null;
  header: string | null;
  cookie: string | null;
}

export function tokenSources(url: URL, headers: IncomingHttpHeaders, port: number): TokenSources {
  const h = headers['x-skysense-token'];
  return {
    query: url.searchParams.get('token'),
    header: typeof h === 'string' ? h : null,
    cookie: cookieValue(headers.cookie, cookieName(port)),
  };
}

export function authorized(expected: string, s: TokenSources, allowCookie: boolean): boolean {
  // Evaluate every source so timing does not reveal which one was present.
  const q = tokenMatches(expected, s.query);
  const h = tokenMatches(expected, s.header);
  const c = allowCookie && tokenMatches(expected, s.cookie);
  return q || h || c;
}

export function tokenCookie(token: string, port: number): string {
  return `${cookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}
