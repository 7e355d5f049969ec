/**
 * The engine badge and panel in Chromium against `skysense serve`: the badge names the
 * provider models run on, in its warning style when a GPU path is there but unused, and the
 * panel (opened and closed with the keyboard) lists every provider with the same verdicts as
 * `skysense models --json` (the oracle, run in the same environment) and the shipped model.
 * The host gets Chromium's SwiftShader as its Vulkan driver, as the provider tests do, so
 * webgpu starts on a software adapter and must be shown as skipped.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { swiftshaderEnv } from '../bench/provider-fixtures.ts';
import { openAppSession, type AppSession } from './helpers/app-session.ts';
import { artifactsDir, repoRoot } from './helpers/repo.ts';

interface OracleProvider {
  name: string;
  available: boolean;
  starts?: boolean;
  reason?: string;
  adapter?: { kind: string; detail: string };
  inDefaultOrder: boolean;
}
interface OracleModel {
  name: string;
  kind: string | null;
  weights: { kind: string } | null;
}
interface Oracle {
  providers: OracleProvider[];
  models: OracleModel[];
}

const LABEL: Record<string, string> = { cuda: 'CUDA', webgpu: 'WebGPU', dml: 'DirectML', coreml: 'CoreML', cpu: 'CPU' };

async function modelsJson(env: NodeJS.ProcessEnv): Promise<Oracle> {
  const { stdout } = await promisify(execFile)(process.execPath, ['bin/skysense.mjs', 'models', '--json'], { cwd: repoRoot, env, maxBuffer: 1 << 24 });
  return JSON.parse(stdout) as Oracle;
}

/** The verdicts the panel must show, from the oracle alone (it lists providers in default-order position). */
function expected(oracle: Oracle) {
  const used = oracle.providers.find((p) => p.inDefaultOrder && p.starts)?.name ?? null;
  const state = (p: OracleProvider) =>
    !p.available ? 'unavailable' : p.starts === false ? 'fails' : p.name === used ? 'in-use' : p.inDefaultOrder ? 'standby' : 'skipped';
  const gpus = oracle.providers.filter((p) => p.name !== 'cpu');
  const warning = used === 'cpu' && gpus.some((p) => (p.available && p.starts === false) || (p.starts && p.adapter?.kind === 'software'));
  return { used, states: oracle.providers.map((p) => [p.name, state(p)]), warning };
}

describe('browser: engine badge and provider panel', () => {
  let session: AppSession;
  let oracle: Oracle;

  before(async () => {
    const env = swiftshaderEnv();
    const hostEnv = { VK_ICD_FILENAMES: env.VK_ICD_FILENAMES!, LD_LIBRARY_PATH: env.LD_LIBRARY_PATH! };
    [session, oracle] = await Promise.all([openAppSession({ hostEnv }), modelsJson(env)]);
  });

  after(async () => {
    await session?.stop();
  });

  test('the oracle sees webgpu on SwiftShader (else this suite proves less than it says)', () => {
    const webgpu = oracle.providers.find((p) => p.name === 'webgpu');
    assert.equal(webgpu?.adapter?.kind, 'software', JSON.stringify(webgpu));
    assert.equal(webgpu?.starts, true, JSON.stringify(webgpu));
  });

  test('the badge names the provider in use, warning when a GPU path is unused', async () => {
    const { page } = session.browser;
    const want = expected(oracle);
    const badge = page.getByTestId('engine-badge');
    await badge.filter({ hasNotText: 'checking' }).waitFor({ timeout: 30_000 });
    assert.equal((await badge.innerText()).replace('⚠', '').trim(), `Engine: ${LABEL[want.used ?? ''] ?? 'none'}`);
    assert.equal(await badge.getAttribute('data-provider'), want.used);
    assert.equal(await badge.getAttribute('data-warning'), String(want.warning));
    assert.equal(await badge.getAttribute('aria-expanded'), 'false');
    if (want.warning) {
      // The warning must look different, not only carry an attribute.
      const colours = await page.evaluate(() => {
        const b = document.querySelector('[data-testid="engine-badge"]')!;
        const c = document.querySelector('[data-testid="connection-state"]')!;
        return [getComputedStyle(b).color, getComputedStyle(c).color];
      });
      assert.notEqual(colours[0], colours[1]);
      assert.match((await badge.getAttribute('title')) ?? '', /webgpu on SwiftShader/);
    }
  });

  test('Enter opens the panel with every provider as the oracle sees it; Escape closes it', async () => {
    const { page } = session.browser;
    const badge = page.getByTestId('engine-badge');
    await badge.focus();
    await page.keyboard.press('Enter');
    const panel = page.getByTestId('engine-panel');
    await panel.waitFor();
    assert.equal(await badge.getAttribute('aria-expanded'), 'true');
    assert.equal(await panel.getAttribute('role'), 'dialog');
    assert.equal(await page.evaluate(() => !!document.activeElement?.closest('[data-testid="engine-panel"]')), true);

    const rows = panel.getByTestId('provider-row');
    const shown = await rows.evaluateAll((els) => els.map((e) => [e.getAttribute('data-provider'), e.getAttribute('data-state')]));
    assert.deepEqual(shown, expected(oracle).states);
    for (const p of oracle.providers) {
      const row = panel.locator(`[data-testid="provider-row"][data-provider="${p.name}"]`);
      const reason = row.getByTestId('provider-reason');
      if (p.reason) assert.equal(await reason.innerText(), p.reason, p.name);
      else assert.equal(await reason.count(), 0, p.name);
      if (p.adapter) assert.match(await row.getByTestId('provider-adapter').innerText(), new RegExp(`${p.adapter.kind} — ${p.adapter.detail.replace(/[()*.\\[\]]/g, '\\$&')}`));
    }
    const summary = (name: string) => panel.locator(`[data-testid="provider-row"][data-provider="${name}"] [data-testid="provider-summary"]`).innerText();
    assert.match(await summary('webgpu'), /^webgpu: software adapter \(SwiftShader\) — skipped by default, it is hundreds of times slower than cpu/);
    if (/^not installed/.test(oracle.providers.find((p) => p.name === 'cuda')?.reason ?? '')) {
      assert.match(await summary('cuda'), /^cuda: not installed — install CUDA 12 \+ cuDNN 9/);
    }
    assert.match(await panel.getByTestId('engine-warning').innerText(), /No GPU in use: .*software GPU adapter \(webgpu on SwiftShader\).*models run on the CPU/);

    // The installed models, with their weights, as the oracle lists them.
    const models = await panel.getByTestId('model-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-model')));
    assert.deepEqual(models, oracle.models.map((m) => m.name));
    const tiny = oracle.models.find((m) => m.name === 'skysense-tiny');
    assert.ok(tiny?.weights, 'the shipped model is listed by the oracle');
    const tinyRow = panel.locator('[data-testid="model-row"][data-model="skysense-tiny"]');
    assert.equal(await tinyRow.getByTestId('model-weights').innerText(), `${tiny.weights.kind} weights`);
    assert.equal(await tinyRow.getByTestId('model-kind').innerText(), tiny.kind);
    await page.screenshot({ path: join(artifactsDir, 'engine-panel.png') });

    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    assert.equal(await badge.getAttribute('aria-expanded'), 'false');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'engine-badge');
  });

  test('a click elsewhere closes the panel', async () => {
    const { page } = session.browser;
    await page.getByTestId('engine-badge').click();
    const panel = page.getByTestId('engine-panel');
    await panel.waitFor();
    await page.getByTestId('map').click({ position: { x: 200, y: 300 } });
    await panel.waitFor({ state: 'detached' });
  });

  test('no console or page errors', () => {
    assert.deepEqual(session.browser.errors, []);
  });
});
