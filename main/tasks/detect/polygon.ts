/**
 * Convex polygon geometry for oriented-box overlap: area (main/vector's shoelace) and the intersection
 * of two convex polygons by Sutherland-Hodgman clipping (each edge of the clip polygon
 * cuts the subject in turn; for convex inputs the result is their exact intersection).
 * Orientation-agnostic: the clip polygon's winding decides which side is inside.
 */
import { planarRingArea } from '../../vector/index.ts';
import type { Point } from '../../heads/index.ts';

/** The part of convex `subject` inside convex `clip` (empty array when they do not overlap). */
export function clipConvex(subject: Point[], clip: Point[]): Point[] {
  const orient = planarRingArea(clip) >= 0 ? 1 : -1;
  let out = subject;
  for (let i = 0; i < clip.length && out.length > 0; i++) {
    const a = clip[i];
    const b = clip[(i + 1) % clip.length];
    const ex = b[0] - a[0];
    const ey = b[1] - a[1];
    // > 0 inside (left of a->b for a counter-clockwise clip polygon).
    const side = (p: Point) => orient * (ex * (p[1] - a[1]) - ey * (p[0] - a[0]));
    const input = out;
    out = [];
    for (let k = 0; k < input.length; k++) {
      const cur = input[k];
      const prev = input[(k + input.length - 1) % input.length];
      const sc = side(cur);
      const sp = side(prev);
      if (sc >= 0) {
        if (sp < 0) out.push(cross(prev, cur, sp, sc));
        out.push(cur);
      } else if (sp >= 0) {
        out.push(cross(prev, cur, sp, sc));
      }
    }
  }
  return out;
}

/** Where segment p->q crosses the clip line, from the signed distances of its ends. */
function cross(p: Point, q: Point, sp: number, sq: number): Point {
  const t = sp / (sp - sq);
  return [p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])];
}

export function convexIntersectionArea(a: Point[], b: Point[]): number {
  const c = clipConvex(a, b);
  return c.length < 3 ? 0 : Math.abs(planarRingArea(c));
}
