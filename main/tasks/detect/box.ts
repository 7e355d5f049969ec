/**
 * A detected box: centre, size and angle in pixel coordinates (x right, y down), with
 * its class and score. angle is in radians, counter-clockwise as seen on the image
 * (and on a north-up map), 0 = axis aligned — the convention of the head interface
 * (/work/notes/heads.md).
 */

export type Point = [number, number];

export interface Box {
  cx: number;
  cy: number;
  w: number;
  h: number;
  /** Radians, counter-clockwise as seen on the image; 0 = axis aligned. */
  angle: number;
  score: number;
  /** Class index (the value written to the `class_id` attribute). */
  cls: number;
}

/** Corners in order (counter-clockwise on screen): the box's (-w/2,-h/2), (-w/2,h/2), (w/2,h/2), (w/2,-h/2) rotated by angle. */
export function boxCorners(b: Box): Point[] {
  const c = Math.cos(b.angle);
  const s = Math.sin(b.angle);
  const hw = b.w / 2;
  const hh = b.h / 2;
  // On screen (y down), a counter-clockwise turn by a maps an offset (dx, dy) to
  // (dx cos a + dy sin a, -dx sin a + dy cos a).
  const at = (dx: number, dy: number): Point => [b.cx + dx * c + dy * s, b.cy - dx * s + dy * c];
  return [at(-hw, -hh), at(-hw, hh), at(hw, hh), at(hw, -hh)];
}

/** Axis-aligned bounding rectangle [minX, minY, maxX, maxY]. */
export function boxExtent(b: Box): [number, number, number, number] {
  if (b.angle === 0) return [b.cx - b.w / 2, b.cy - b.h / 2, b.cx + b.w / 2, b.cy + b.h / 2];
  const c = Math.abs(Math.cos(b.angle));
  const s = Math.abs(Math.sin(b.angle));
  const ex = (b.w * c + b.h * s) / 2;
  const ey = (b.w * s + b.h * c) / 2;
  return [b.cx - ex, b.cy - ey, b.cx + ex, b.cy + ey];
}

/** From corner form (x1, y1, x2, y2). */
export function boxFromCorners(x1: number, y1: number, x2: number, y2: number, score: number, cls: number): Box {
  return { cx: (x1 + x2) / 2, cy: (y1 + y2) / 2, w: Math.abs(x2 - x1), h: Math.abs(y2 - y1), angle: 0, score, cls };
}
