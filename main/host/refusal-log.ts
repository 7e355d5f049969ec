/**
 * Refusals (wrong Host, Origin or token; oversized or malformed messages) are written to
 * the host's log once per kind and value: a page that retries in a loop must not flood
 * the terminal, and the first line is what the user needs to see.
 */
const MAX_DISTINCT = 200;

export type RefusalLog = (kind: string, value: string, reason: string) => void;

export function refusalLog(write: (line: string) => void): RefusalLog {
  const seen = new Set<string>();
  return (kind, value, reason) => {
    const key = `${kind}\0${value}`;
    if (seen.has(key) || seen.size >= MAX_DISTINCT) return;
    seen.add(key);
    write(`refused ${kind} ${JSON.stringify(value.slice(0, 200))}: ${reason}`);
  };
}
