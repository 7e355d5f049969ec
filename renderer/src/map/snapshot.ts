// A PNG of the map as it is on screen, with the legends of the visible class layers and a
// scale bar drawn on it: OpenLayers' export-map recipe (every layer canvas composed onto
// one, with its opacity and CSS transform), done inside 'rendercomplete' so the WebGL
// canvases still hold the frame. The PNG is the map's size in CSS pixels.
import type OlMap from 'ol/Map.js';
import { getPointResolution } from 'ol/proj.js';
import { drawLegends, type SnapshotLegend } from './snapshot-legend.ts';
import { drawScaleBar } from './snapshot-scale.ts';

let current: OlMap | null = null;

/** The map snapshots are taken of (MapView registers the one it shows). */
export function setSnapshotMap(map: OlMap | null): void {
  current = map;
}

function compose(map: OlMap, legends: SnapshotLegend[]): HTMLCanvasElement {
  const [width, height] = map.getSize() ?? [0, 0];
  const out = document.createElement('canvas');
  out.width = width;
  out.height = height;
  const ctx = out.getContext('2d')!;
  const target = map.getTargetElement();
  ctx.fillStyle = (target && getComputedStyle(target).backgroundColor) || '#ffffff';
  ctx.fillRect(0, 0, width, height);
  for (const canvas of map.getViewport()?.querySelectorAll<HTMLCanvasElement>('.ol-layer canvas, canvas.ol-layer') ?? []) {
    if (canvas.width === 0) continue;
    const parent = canvas.parentElement as HTMLElement;
    const opacity = parent.style.opacity || canvas.style.opacity;
    ctx.globalAlpha = opacity === '' ? 1 : Number(opacity);
    const m = /^matrix\(([^(]*)\)$/.exec(canvas.style.transform);
    const matrix = m ? m[1].split(',').map(Number) : [parseFloat(canvas.style.width) / canvas.width, 0, 0, parseFloat(canvas.style.height) / canvas.height, 0, 0];
    ctx.setTransform(matrix[0], matrix[1], matrix[2], matrix[3], matrix[4], matrix[5]);
    if (parent.style.backgroundColor) {
      ctx.fillStyle = parent.style.backgroundColor;
      ctx.fillRect(0, 0, canvas.width, canvas.height);
    }
    ctx.drawImage(canvas, 0, 0);
  }
  ctx.globalAlpha = 1;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  const view = map.getView();
  const center = view.getCenter();
  const resolution = view.getResolution();
  if (center && resolution) {
    const projection = view.getProjection();
    const metric = projection.getUnits() !== 'pixels';
    const perPixel = metric ? getPointResolution(projection, resolution, center, 'm') : resolution;
    drawScaleBar(ctx, width, height, perPixel, metric ? 'm' : 'px');
  }
  drawLegends(ctx, height, legends);
  return out;
}

/** The snapshot's PNG bytes, base64 (what export.png takes). */
export async function snapshotPng(legends: SnapshotLegend[]): Promise<string> {
  const map = current;
  if (!map || !map.getSize()) throw new Error('the map is not shown yet');
  const canvas = await new Promise<HTMLCanvasElement>((resolve, reject) => {
    map.once('rendercomplete', () => {
      try {
        resolve(compose(map, legends));
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
    map.renderSync();
  });
  const url = canvas.toDataURL('image/png');
  return url.slice(url.indexOf(',') + 1);
}
