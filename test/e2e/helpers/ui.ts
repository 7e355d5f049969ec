// What a user does in the SkySense window, as Playwright steps, plus reads of the
// renderer's read-only test hook (window.__skysense).
import type { Locator, Page } from 'playwright-core';

export interface MapFacts {
  projection: string;
  center: [number, number] | null;
  resolution: number | null;
  extent: [number, number, number, number] | null;
  size: [number, number] | null;
  renderCompletes: number;
  settled: boolean;
  drawn: string[];
}

export interface HookLayer {
  id: string;
  name: string;
  space: string;
  extent: [number, number, number, number] | null;
}

interface Hook {
  facts(): MapFacts;
  pixelFromCoordinate(c: [number, number]): [number, number] | null;
  layers(): HookLayer[];
  timings(): Record<string, { start: number; opened?: number; stats?: number; firstView?: number }>;
}
type HookWindow = { __skysense: Hook };

export async function waitConnected(page: Page): Promise<void> {
  await page.getByTestId('connection-state').filter({ hasText: /^connected$/ }).waitFor({ timeout: 15_000 });
}

/** Open… then type the path into the dialog's path field and confirm. */
export async function openByPath(page: Page, path: string): Promise<void> {
  await page.getByTestId('open-button').click();
  const input = page.getByTestId('open-path-input');
  await input.waitFor();
  await input.fill(path);
  await page.getByTestId('open-path-submit').click();
}

export function layerItem(page: Page, name: string): Locator {
  return page.getByTestId('layer-item').filter({ has: page.locator('.layer-name', { hasText: name }) });
}

export async function facts(page: Page): Promise<MapFacts> {
  return page.evaluate(() => (window as unknown as HookWindow).__skysense.facts());
}

export async function hookLayers(page: Page): Promise<HookLayer[]> {
  return page.evaluate(() => (window as unknown as HookWindow).__skysense.layers());
}

export async function timings(page: Page) {
  return page.evaluate(() => (window as unknown as HookWindow).__skysense.timings());
}

/** Waits until the layer's tiles have been drawn and the map reported rendercomplete after that. */
export async function waitFirstView(page: Page, layerId: string, timeout = 60_000): Promise<void> {
  await page.waitForFunction(
    (id) => (window as unknown as HookWindow).__skysense.timings()[id]?.firstView !== undefined,
    layerId,
    { timeout, polling: 50 },
  );
}

/** Waits until no source is loading, then two frames for the last tiles to be drawn. */
export async function waitSettled(page: Page, timeout = 60_000): Promise<void> {
  await page.waitForTimeout(200); // let edits reach the map before asking
  await page.waitForFunction(() => (window as unknown as HookWindow).__skysense.facts().settled, undefined, { timeout, polling: 100 });
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
}

/** Page (viewport) position of a map coordinate. */
export async function screenPointOf(page: Page, coordinate: [number, number]): Promise<[number, number]> {
  const px = await page.evaluate((c) => (window as unknown as HookWindow).__skysense.pixelFromCoordinate(c), coordinate);
  if (!px) throw new Error('map has no size yet');
  const box = await page.getByTestId('map').boundingBox();
  if (!box) throw new Error('map element not visible');
  return [box.x + px[0], box.y + px[1]];
}

/** Waits until the pixel inspector shows the given pixel. */
export async function waitInspected(page: Page, col: number, row: number, timeout = 10_000): Promise<void> {
  await page.waitForFunction(
    ([c, r]) => {
      const el = document.querySelector('[data-testid="pixel-colrow"]');
      return el?.getAttribute('data-col') === String(c) && el?.getAttribute('data-row') === String(r);
    },
    [col, row],
    { timeout },
  );
}

/** The page-pixel box of a map extent, shrunk by `inset` pixels on each side. */
export async function screenBoxOf(page: Page, extent: [number, number, number, number], inset: number) {
  const [ax, ay] = await screenPointOf(page, [extent[0], extent[3]]);
  const [bx, by] = await screenPointOf(page, [extent[2], extent[1]]);
  return { x: ax + inset, y: ay + inset, width: bx - ax - 2 * inset, height: by - ay - 2 * inset };
}

/** The map's CSS background colour as RGB. */
export async function mapBackground(page: Page): Promise<[number, number, number]> {
  const css = await page.getByTestId('map').evaluate((el) => getComputedStyle(el).backgroundColor);
  const m = /rgba?\((\d+), (\d+), (\d+)/.exec(css);
  if (!m) throw new Error(`unexpected background ${css}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}
