/**
 * A labelled object's box from its outline (pixel coordinates, y down), in the detect
 * heads' convention (main/heads/box.ts: centre, size, angle counter-clockwise on the image):
 * axis-aligned, the ring's envelope; oriented, the ring's 4 corners where it has 4 (DOTA's
 * quadrilaterals, a drawn rotated box), else its minimum-area rectangle (rotating calipers
 * over the convex hull: the best rectangle has a side on a hull edge). Oriented boxes are
 * made canonical, w >= h and angle in [-pi/2, pi/2), since a rectangle turned by pi is the
 * same one and a regression target must not jump between equivalent answers.
 */
import type { Point } from '../heads/index.ts';

export interface FittedBox {
  cx: number;
  cy: number;
  w: number;
  h: number;
  angle: number;
}

export function envelopeBox(ring: readonly Point[]): FittedBox {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of ring) {
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  }
  return { cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, w: x1 - x0, h: y1 - y0, angle: 0 };
}

/** w >= h, angle in [-pi/2, pi/2). */
export function canonicalBox(b: FittedBox): FittedBox {
  let { w, h, angle } = b;
  if (h > w) {
    [w, h] = [h, w];
    angle += Math.PI / 2;
  }
  angle = angle - Math.PI * Math.floor((angle + Math.PI / 2) / Math.PI);
  return { cx: b.cx, cy: b.cy, w, h, angle };
}

/** Without the closing vertex (a GeoJSON ring repeats its first point). */
function openRing(ring: readonly Point[]): Point[] {
  const n = ring.length;
  return n > 1 && ring[0][0] === ring[n - 1][0] && ring[0][1] === ring[n - 1][1] ? ring.slice(0, n - 1) : [...ring];
}

/** A quadrilateral's rectangle: the mean of its opposite sides' lengths and directions. */
function quadBox(p: Point[]): FittedBox {
  const len = (a: Point, b: Point) => Math.hypot(b[0] - a[0], b[1] - a[1]);
  const w = (len(p[0], p[1]) + len(p[3], p[2])) / 2;
  const h = (len(p[1], p[2]) + len(p[0], p[3])) / 2;
  const ux = p[1][0] - p[0][0] + p[2][0] - p[3][0];
  const uy = p[1][1] - p[0][1] + p[2][1] - p[3][1];
  const cx = (p[0][0] + p[1][0] + p[2][0] + p[3][0]) / 4;
  const cy = (p[0][1] + p[1][1] + p[2][1] + p[3][1]) / 4;
  // The w side runs along (cos a, -sin a) on the image (y down).
  return canonicalBox({ cx, cy, w, h, angle: Math.atan2(-uy, ux) });
}

function hull(points: Point[]): Point[] {
  const p = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (p.length < 3) return p;
  const cross = (o: Point, a: Point, b: Point) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: Point[] = [];
  for (const q of p) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], q) <= 0) lower.pop();
    lower.push(q);
  }
  const upper: Point[] = [];
  for (const q of p.reverse()) {
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], q) <= 0) upper.pop();
    upper.push(q);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}

export function minAreaBox(ring: readonly Point[]): FittedBox {
  const h = hull(openRing(ring));
  let best: FittedBox | null = null;
  let bestArea = Infinity;
  for (let i = 0; i < h.length; i++) {
    const a = h[i];
    const b = h[(i + 1) % h.length];
    const l = Math.hypot(b[0] - a[0], b[1] - a[1]);
    if (l === 0) continue;
    const [ux, uy] = [(b[0] - a[0]) / l, (b[1] - a[1]) / l];
    let [u0, u1, v0, v1] = [Infinity, -Infinity, Infinity, -Infinity];
    for (const q of h) {
      const u = q[0] * ux + q[1] * uy;
      const v = -q[0] * uy + q[1] * ux;
      u0 = Math.min(u0, u);
      u1 = Math.max(u1, u);
      v0 = Math.min(v0, v);
      v1 = Math.max(v1, v);
    }
    const area = (u1 - u0) * (v1 - v0);
    if (area < bestArea) {
      bestArea = area;
      const [mu, mv] = [(u0 + u1) / 2, (v0 + v1) / 2];
      best = { cx: mu * ux - mv * uy, cy: mu * uy + mv * ux, w: u1 - u0, h: v1 - v0, angle: Math.atan2(-uy, ux) };
    }
  }
  return canonicalBox(best ?? envelopeBox(ring));
}

/** The box of one outline ring: envelope (axis-aligned heads) or oriented rectangle. */
export function ringBox(ring: readonly Point[], oriented: boolean): FittedBox {
  if (!oriented) return envelopeBox(ring);
  const open = openRing(ring);
  return open.length === 4 ? quadBox(open) : minAreaBox(open);
}
