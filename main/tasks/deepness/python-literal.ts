/**
 * The subset of Python's ast.literal_eval that Deepness metadata meets: dicts, lists,
 * tuples, strings ('..' or "..", with backslash escapes), ints, floats, True/False/None.
 *
 * Why: the plugin reads `class_names` with json.loads and, when that fails, falls back to
 * ast.literal_eval, so models in the wild carry Python reprs such as {0: 'road', 1: 'tree'}.
 * Dict keys come back as strings (JSON's object keys), which is how the caller checks them.
 */

export type PyValue = string | number | boolean | null | PyValue[] | { [k: string]: PyValue };

export class PyLiteralError extends Error {}

export function parsePythonLiteral(text: string): PyValue {
  let p = 0;
  const s = text;
  const fail = (what: string): never => {
    throw new PyLiteralError(`${what} at character ${p + 1}`);
  };
  const ws = () => {
    while (p < s.length && /\s/.test(s[p])) p++;
  };

  const str = (): string => {
    const q = s[p++];
    let out = '';
    while (p < s.length && s[p] !== q) {
      if (s[p] === '\\') {
        const e = s[p + 1];
        const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };
        if (e === 'u' || e === 'x') {
          const len = e === 'u' ? 4 : 2;
          const hex = s.slice(p + 2, p + 2 + len);
          if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) fail('a bad escape');
          out += String.fromCharCode(parseInt(hex, 16));
          p += 2 + len;
          continue;
        }
        if (!(e in map)) fail('an unknown escape');
        out += map[e];
        p += 2;
        continue;
      }
      out += s[p++];
    }
    if (p >= s.length) fail('an unterminated string');
    p++;
    return out;
  };

  const seq = (close: string): PyValue[] => {
    const items: PyValue[] = [];
    ws();
    while (s[p] !== close) {
      items.push(value());
      ws();
      if (s[p] === ',') {
        p++;
        ws();
      } else if (s[p] !== close) fail(`"," or "${close}" expected`);
    }
    p++;
    return items;
  };

  const key = (v: PyValue): string => {
    if (typeof v === 'string' || typeof v === 'number') return String(v);
    return fail('a dict key that is not a string or a number');
  };

  const value = (): PyValue => {
    ws();
    const c = s[p];
    if (c === undefined) return fail('a value expected');
    if (c === "'" || c === '"') return str();
    if (c === '[') {
      p++;
      return seq(']');
    }
    if (c === '(') {
      p++;
      return seq(')');
    }
    if (c === '{') {
      p++;
      const obj: Record<string, PyValue> = {};
      ws();
      while (s[p] !== '}') {
        const k = key(value());
        ws();
        if (s[p] !== ':') fail('":" expected');
        p++;
        obj[k] = value();
        ws();
        if (s[p] === ',') {
          p++;
          ws();
        } else if (s[p] !== '}') fail('"," or "}" expected');
      }
      p++;
      return obj;
    }
    const word = /^(True|False|None)\b/.exec(s.slice(p));
    if (word) {
      p += word[1].length;
      return word[1] === 'True' ? true : word[1] === 'False' ? false : null;
    }
    const num = /^[-+]?(\d+\.?\d*(e[-+]?\d+)?|\.\d+(e[-+]?\d+)?)/i.exec(s.slice(p));
    if (num) {
      p += num[0].length;
      return Number(num[0]);
    }
    return fail(`unexpected "${c}"`);
  };

  const v = value();
  ws();
  if (p !== s.length) fail('text after the value');
  return v;
}
