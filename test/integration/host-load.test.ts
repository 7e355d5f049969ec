/**
 * The host under load and bad clients, as a user runs it: `skysense serve` in a child
 * process (so its RSS is the host's alone, read from /proc). 200 concurrent range requests
 * from four clients answered with the file's bytes; 100 successive embed jobs with the
 * peak RSS flat; an oversized and a malformed message from one client while another's
 * calls go on; a wrong Host (DNS rebinding) and a wrong Origin refused, and logged once.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobInfo, Layer, PixelReply } from '../../main/api.ts';
import { dataPath, gdalTranslate, REPO_ROOT } from '../helpers/gdal.ts';
import { WsTestClient } from './host-test-client.ts';

const L7 = dataPath('samples/L7_ETMs.tif');
const S1 = dataPath('s1s2/sen1floods11/sample/S1/Spain_7370579_S1Hand.tif');
const MODEL = join(REPO_ROOT, 'models/skysense-tiny');
const JOBS = 100;
const LINE = /^SkySense host: http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]{64})$/;

let tmp = '';
let child: ChildProcess;
let stderr = '';
let port = 0;
let token = '';
let wsUrl = '';

/** kB figures of /proc/PID/status: VmRSS now, VmHWM the peak since start. */
function memOf(pid: number): { rss: number; hwm: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1]);
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

interface Got {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(path: string, headers: Record<string, string> = {}, agent?: Agent): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The refusal of an upgrade: its status and the reason in its body. */
function upgradeRefusal(headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1', port, path: `/api?token=${token}`,
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', ...headers },
    });
    req.on('upgrade', () => reject(new Error('upgraded')));
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Deterministic ranges (mulberry32), so a failure names a range that can be asked again. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-host-load-'));
  const ui = join(tmp, 'ui');
  mkdirSync(ui);
  mkdirSync(join(tmp, 'cache'));
  writeFileSync(join(ui, 'index.html'), '<!doctype html><title>SkySense</title>');
  // Without NODE_TEST_CONTEXT: the test runner's variable changes how a child behaves.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  child = spawn(process.execPath, [join(REPO_ROOT, 'bin/skysense.mjs'), 'serve', '--port', '0', '--no-open'], {
    cwd: REPO_ROOT,
    env: { ...env, SKYSENSE_RENDERER_DIR: ui, SKYSENSE_CACHE_DIR: join(tmp, 'cache') },
  });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (stderr += c));
  const t0 = Date.now();
  while (!out.includes('\n')) {
    assert.ok(Date.now() - t0 < 30_000 && child.exitCode === null, `skysense serve did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const m = LINE.exec(out.split('\n')[0]);
  assert.ok(m, out);
  port = Number(m[1]);
  token = m[2];
  wsUrl = `ws://127.0.0.1:${port}/api?token=${token}`;
});

after(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once('close', r));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(tmp, { recursive: true, force: true });
});

describe('host under load', () => {
  test('200 concurrent range requests from four clients get the file\'s bytes', async () => {
    const c = await WsTestClient.connect(wsUrl);
    try {
      const layer = await c.value<Layer>('layer.open', { paths: [L7] });
      assert.ok(layer.cogPath, 'a GeoTIFF layer has a data path');
      // The file behind the path: the source itself, or the one display-cache COG.
      const cached = (readdirSync(join(tmp, 'cache'), { recursive: true }) as string[]).filter((f) => f.endsWith('.tif'));
      if (layer.cached) assert.equal(cached.length, 1, `one cached COG expected: ${cached.join(', ')}`);
      const file = readFileSync(layer.cached ? join(tmp, 'cache', cached[0]) : L7);
      const agents = [0, 1, 2, 3].map(() => new Agent({ keepAlive: true, maxSockets: 16 }));
      const next = rng(18);
      const ranges = Array.from({ length: 200 }, () => {
        const start = Math.floor(next() * file.length);
        const len = 1 + Math.floor(next() * 65536);
        return [start, Math.min(file.length - 1, start + len - 1)] as const;
      });
      const t0 = performance.now();
      const got = await Promise.all(ranges.map(([s, e], i) =>
        get(`${layer.cogPath}?token=${token}`, { Range: `bytes=${s}-${e}` }, agents[i % agents.length])));
      const seconds = (performance.now() - t0) / 1000;
      agents.forEach((a) => a.destroy());
      got.forEach((r, i) => {
        const [s, e] = ranges[i];
        assert.equal(r.status, 206, `bytes=${s}-${e}`);
        assert.equal(r.headers['content-range'], `bytes ${s}-${e}/${file.length}`);
        assert.ok(r.body.equals(file.subarray(s, e + 1)), `bytes=${s}-${e}: body differs from the file`);
      });
      const mib = got.reduce((n, r) => n + r.body.length, 0) / 2 ** 20;
      console.log(`200 concurrent ranges (${mib.toFixed(1)} MiB) in ${seconds.toFixed(2)} s: ${(200 / seconds).toFixed(0)} requests/s`);
    } finally {
      c.close();
    }
  });

  test(`${JOBS} successive embed jobs in one host: peak RSS after job ${JOBS} within 1.2x of after job 10`, async () => {
    const crop = join(tmp, 'crop.tif');
    gdalTranslate(['-q', '-srcwin', '0', '0', '64', '64', S1, crop]);
    const c = await WsTestClient.connect(wsUrl);
    const pid = child.pid!;
    const peaks: number[] = [];
    const rss: number[] = [];
    const jobs = join(tmp, 'jobs');
    mkdirSync(jobs);
    const t0 = performance.now();
    try {
      for (let i = 1; i <= JOBS; i++) {
        const out = join(jobs, `e${i}.tif`);
        const job = await c.value<JobInfo>('job.start', { task: 'embed', model: MODEL, inputs: { input: [crop] }, out });
        const t1 = Date.now();
        let last: JobInfo | undefined;
        while (!['done', 'failed', 'cancelled'].includes((last = c.jobEvents.filter((j) => j.id === job.id).at(-1))?.status ?? '')) {
          assert.ok(Date.now() - t1 < 60_000, `job ${i}: not ended within 60 s`);
          await new Promise((r) => setTimeout(r, 5));
        }
        assert.equal(last!.status, 'done', `job ${i}: ${last!.error?.message ?? ''}`);
        const m = memOf(pid);
        peaks.push(m.hwm);
        rss.push(m.rss);
        for (const f of readdirSync(jobs)) rmSync(join(jobs, f)); // the disk is not what is measured
      }
    } finally {
      c.close();
    }
    const seconds = (performance.now() - t0) / 1000;
    const mib = (kb: number) => (kb / 1024).toFixed(0);
    console.log(`${JOBS} embed jobs in ${seconds.toFixed(1)} s; host peak RSS after job 1 ${mib(peaks[0])} MiB, 10 ${mib(peaks[9])} MiB, ${JOBS} ${mib(peaks[JOBS - 1])} MiB; RSS after job 10 ${mib(rss[9])} MiB, ${JOBS} ${mib(rss[JOBS - 1])} MiB`);
    assert.ok(peaks[JOBS - 1] <= 1.2 * peaks[9], `peak RSS grew from ${mib(peaks[9])} MiB after job 10 to ${mib(peaks[JOBS - 1])} MiB after job ${JOBS}`);
  });
});

describe('host and bad clients', () => {
  test('an oversized message closes only its own socket (1009); a malformed one gets a reply naming it; another client\'s calls go on', async () => {
    const calm = await WsTestClient.connect(wsUrl);
    const bad = await WsTestClient.connect(wsUrl);
    try {
      const layer = await calm.value<Layer>('layer.open', { paths: [L7] });
      const [minX, minY, maxX, maxY] = layer.extent3857!;
      const centre = [(minX + maxX) / 2, (minY + maxY) / 2];
      // The calm client probes pixels the whole time the bad one misbehaves.
      let stop = false;
      let calls = 0;
      const failures: string[] = [];
      const probing = (async () => {
        while (!stop) {
          const r = await calm.call('layer.pixel', { id: layer.id, coordinate: centre }).catch((e: Error) => ({ ok: false as const, error: { code: 'E_WIRE', message: e.message } }));
          calls++;
          if (!r.ok) failures.push(`${r.error.code} ${r.error.message}`);
        }
      })();

      const malformed = [
        ['{"type":"call",', /not JSON/],
        [JSON.stringify({ type: 'shout', callId: 'm2' }), /malformed message: type: /],
        [JSON.stringify({ type: 'call', command: 'app.info' }), /malformed message: callId: /],
      ] as const;
      for (const [text, named] of malformed) {
        const n = bad.replies.length;
        bad.sendRaw(text);
        while (bad.replies.length === n) await new Promise((r) => setTimeout(r, 5));
        const r = bad.replies.at(-1)!;
        assert.equal(!r.ok && r.error.code, 'E_BAD_REQUEST', text);
        assert.match(!r.ok ? r.error.message : '', named, text);
      }
      // The socket lived through it.
      assert.equal((await bad.value<{ transport: string }>('app.info', {})).transport, 'host');

      const closed = new Promise<number>((r) => bad.ws.once('close', (code) => r(code)));
      bad.ws.on('error', () => undefined); // the client may see the reset as an error too
      bad.sendRaw(`{"type":"call","callId":"big","command":"app.info","args":{"x":"${'x'.repeat(64 << 20)}"}}`);
      assert.equal(await closed, 1009);
      await new Promise((r) => setTimeout(r, 200));
      stop = true;
      await probing;
      assert.deepEqual(failures, []);
      assert.ok(calls > 5, `only ${calls} pixel calls answered meanwhile`);
      const p = await calm.value<PixelReply>('layer.pixel', { id: layer.id, coordinate: centre });
      assert.ok(p, 'the calm client still gets answers');
      const again = await WsTestClient.connect(wsUrl);
      assert.equal((await again.value<{ transport: string }>('app.info', {})).transport, 'host');
      again.close();
    } finally {
      calm.close();
      bad.close();
    }
  });

  test('a wrong Host (DNS rebinding) and a wrong Origin are refused with the reason, and logged once', async () => {
    const q = `/?token=${token}`;
    for (const host of [`evil.example:${port}`, `127.0.0.1.evil.example:${port}`, `127.0.0.1:${port + 1}`, `localhost`]) {
      const r = await get(q, { Host: host });
      assert.equal(r.status, 403, host);
      assert.match(r.body.toString(), /Host header does not name this host/, host);
      const u = await upgradeRefusal({ Host: host });
      assert.equal(u.status, 403, host);
      assert.match(u.body, /Host header does not name this host/, host);
    }
    // Our own names pass (the page and the socket).
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
      assert.equal((await get(q, { Host: host })).status, 200, host);
    }
    const sameOrigin = await WsTestClient.connect(wsUrl, { Host: `localhost:${port}`, Origin: `http://localhost:${port}` });
    sameOrigin.close();
    for (const origin of ['http://evil.example', `https://127.0.0.1:${port}`, `http://127.0.0.1:${port + 1}`, 'null']) {
      const u = await upgradeRefusal({ Origin: origin });
      assert.equal(u.status, 403, origin);
      assert.match(u.body, /Origin is not this host's page/, origin);
    }
    await new Promise((r) => setTimeout(r, 100));
    const lines = stderr.split('\n');
    assert.equal(lines.filter((l) => l.startsWith(`refused Host "evil.example:${port}"`)).length, 1, stderr);
    assert.equal(lines.filter((l) => l.startsWith('refused Origin "http://evil.example"')).length, 1, stderr);
  });
});
