// Swipe on the map: the left layer is drawn only left of the boundary and the right layer
// only right of it, by clipping each layer's own drawing between its prerender and
// postrender events (OpenLayers' layer-swipe technique). Raster layers draw with WebGL, so
// their clip is the scissor test (OL's WebGL swipe example); canvas layers clip a path.
// Nothing is rebuilt: turning swipe off removes the listeners and the layers draw whole.
import type OlMap from 'ol/Map.js';
import type BaseLayer from 'ol/layer/Base.js';
import type Layer from 'ol/layer/Layer.js';
import type { EventsKey } from 'ol/events.js';
import { unByKey } from 'ol/Observable.js';
import { getRenderPixel } from 'ol/render.js';
import type RenderEvent from 'ol/render/Event.js';
import { appStore } from '../state/app-state.ts';
import { swipePair, swipeStore } from '../state/swipe.ts';

type Side = 'left' | 'right';
type Gl = WebGLRenderingContext | WebGL2RenderingContext;

const isGl = (c: unknown): c is Gl => typeof (c as Gl | null)?.scissor === 'function';

/** The side's span of the map, in CSS pixels from its left edge. */
function span(map: OlMap, side: Side): [number, number, number] {
  const [w, h] = map.getSize() ?? [0, 0];
  const cut = (w * swipeStore.get().position) / 100;
  return side === 'left' ? [0, cut, h] : [cut, w, h];
}

function clip(map: OlMap, side: Side, e: RenderEvent): void {
  const [x0, x1, h] = span(map, side);
  const ctx = e.context;
  if (isGl(ctx)) {
    // Render pixels of a WebGL layer count from the bottom left.
    const bl = getRenderPixel(e, [x0, h]);
    const tr = getRenderPixel(e, [x1, 0]);
    ctx.enable(ctx.SCISSOR_TEST);
    ctx.scissor(Math.round(bl[0]), Math.round(bl[1]), Math.max(0, Math.round(tr[0] - bl[0])), Math.max(0, Math.round(tr[1] - bl[1])));
  } else if (ctx) {
    const corners = [[x0, 0], [x1, 0], [x1, h], [x0, h]].map((p) => getRenderPixel(e, p));
    ctx.save();
    ctx.beginPath();
    corners.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
    ctx.closePath();
    ctx.clip();
  }
}

function unclip(e: RenderEvent): void {
  const ctx = e.context;
  if (isGl(ctx)) ctx.disable(ctx.SCISSOR_TEST);
  else ctx?.restore();
}

/** A thin line at the boundary, over the map and under its controls; clicks pass through. */
function boundaryLine(map: OlMap): { show(): void; remove(): void } {
  const line = document.createElement('div');
  line.className = 'swipe-line';
  line.setAttribute('aria-hidden', 'true');
  Object.assign(line.style, { position: 'absolute', top: '0', bottom: '0', width: '2px', marginLeft: '-1px', background: 'rgba(255,255,255,0.85)', boxShadow: '0 0 2px rgba(0,0,0,0.6)', pointerEvents: 'none', display: 'none' });
  const viewport = map.getViewport();
  viewport?.insertBefore(line, viewport.querySelector('.ol-overlaycontainer'));
  return {
    show() {
      const s = swipeStore.get();
      line.style.display = s.on && swipePair(s, appStore.get().layers) ? 'block' : 'none';
      line.style.left = `${s.position}%`;
    },
    remove: () => line.remove(),
  };
}

export function attachSwipe(map: OlMap): () => void {
  const line = boundaryLine(map);
  let held: Array<{ layer: BaseLayer; side: Side; keys: EventsKey[] }> = [];
  const layerOf = (id: string) => map.getAllLayers().find((l) => l.get('skysenseId') === id);

  const wanted = (): Array<{ layer: Layer; side: Side }> => {
    const s = swipeStore.get();
    const pair = s.on ? swipePair(s, appStore.get().layers) : null;
    if (!pair) return [];
    return (['left', 'right'] as const).flatMap((side) => {
      const layer = layerOf(pair[side]);
      return layer ? [{ layer, side }] : [];
    });
  };

  // Re-attached only when the layers or sides change (the store also changes on every
  // pointer move); a boundary move just redraws.
  const refresh = (moved: boolean) => {
    const next = wanted();
    const same = next.length === held.length && next.every((n, i) => n.layer === held[i].layer && n.side === held[i].side);
    if (!same) {
      for (const h of held) unByKey(h.keys);
      held = next.map(({ layer, side }) => ({
        layer,
        side,
        keys: [layer.on('prerender', (e) => clip(map, side, e)), layer.on('postrender', unclip)],
      }));
    }
    if (!same || moved) map.render();
    line.show();
  };

  const offSwipe = swipeStore.subscribe(() => refresh(true));
  const offApp = appStore.subscribe(() => refresh(false));
  refresh(false);
  return () => {
    offSwipe();
    offApp();
    for (const h of held) unByKey(h.keys);
    line.remove();
  };
}
