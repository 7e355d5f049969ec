// How a label is drawn: its class's colour as outline and a light fill (a dot for points);
// the selected label wider, with a white halo and its vertices shown, so it stands out on
// any imagery.
import type { FeatureLike } from 'ol/Feature.js';
import MultiPoint from 'ol/geom/MultiPoint.js';
import type Polygon from 'ol/geom/Polygon.js';
import CircleStyle from 'ol/style/Circle.js';
import Fill from 'ol/style/Fill.js';
import Stroke from 'ol/style/Stroke.js';
import Style from 'ol/style/Style.js';

export const LABEL_CLASS = 'skysenseLabelClass';

function rgba(hex: string, alpha: number): string {
  const n = (i: number) => parseInt(hex.slice(i, i + 2), 16);
  return `rgba(${n(1)}, ${n(3)}, ${n(5)}, ${alpha})`;
}

function plain(color: string): Style {
  return new Style({
    stroke: new Stroke({ color, width: 2 }),
    fill: new Fill({ color: rgba(color, 0.3) }),
    image: new CircleStyle({ radius: 5, fill: new Fill({ color }), stroke: new Stroke({ color: '#ffffff', width: 1.5 }) }),
  });
}

function selected(color: string): Style[] {
  return [
    new Style({ stroke: new Stroke({ color: '#ffffff', width: 6 }), image: new CircleStyle({ radius: 9, fill: new Fill({ color: '#ffffff' }) }) }),
    new Style({
      stroke: new Stroke({ color, width: 3 }),
      fill: new Fill({ color: rgba(color, 0.45) }),
      image: new CircleStyle({ radius: 6, fill: new Fill({ color }), stroke: new Stroke({ color: '#000000', width: 1 }) }),
    }),
    new Style({
      image: new CircleStyle({ radius: 4, fill: new Fill({ color: '#ffffff' }), stroke: new Stroke({ color, width: 2 }) }),
      geometry: (f) => {
        const g = f.getGeometry();
        return g?.getType() === 'Polygon' ? new MultiPoint((g as Polygon).getCoordinates()[0] ?? []) : undefined;
      },
    }),
  ];
}

/** A style function over the current class colours and selection (read at draw time). */
export function labelStyle(colours: () => Record<string, string>, selectedId: () => string | null): (f: FeatureLike) => Style | Style[] {
  const cache = new Map<string, Style | Style[]>();
  return (f) => {
    const color = colours()[String(f.get(LABEL_CLASS) ?? '')] ?? '#ff00ff';
    const isSelected = f.getId() === selectedId();
    const key = `${color}${isSelected ? '*' : ''}`;
    let s = cache.get(key);
    if (!s) {
      s = isSelected ? selected(color) : plain(color);
      cache.set(key, s);
    }
    return s;
  };
}
