// How a vector feature is drawn: its class's colour, as an outline with a light fill for
// polygons (the imagery under a detection stays readable) and a dot for points.
import type { FeatureLike } from 'ol/Feature.js';
import CircleStyle from 'ol/style/Circle.js';
import Fill from 'ol/style/Fill.js';
import Stroke from 'ol/style/Stroke.js';
import Style from 'ol/style/Style.js';

export const CLASS_PROPERTY = 'skysenseClass';

function rgba(hex: string, alpha: number): string {
  const n = (i: number) => parseInt(hex.slice(i, i + 2), 16);
  return `rgba(${n(1)}, ${n(3)}, ${n(5)}, ${alpha})`;
}

/** A style function over the layer's class colours; styles are built once per colour. */
export function classStyle(colors: Record<string, string>): (f: FeatureLike) => Style {
  const cache = new Map<string, Style>();
  return (f) => {
    const cls = String(f.get(CLASS_PROPERTY) ?? '');
    const color = colors[cls] ?? '#ff00ff';
    let s = cache.get(color);
    if (!s) {
      const stroke = new Stroke({ color, width: 2 });
      const fill = new Fill({ color: rgba(color, 0.35) });
      s = new Style({ stroke, fill, image: new CircleStyle({ radius: 5, fill: new Fill({ color }), stroke: new Stroke({ color: '#ffffff', width: 1 }) }) });
      cache.set(color, s);
    }
    return s;
  };
}
