/**
 * A detected box: centre, size and angle in pixel coordinates (x right, y down), with
 * its class and score. angle is in radians, counter-clockwise as seen on the image
 * (and on a north-up map), 0 = axis aligned — the convention of detect heads (their
 * manifest: main/model/head-manifest.ts; models/heads/manifest.py on the Python side). Its corners are main/vector's boxCorners (a Box is a PixelBox).
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

/** Axis-aligned bounding rectangle [minX, minY, maxX, maxY]. */
export function boxExtent(b: Box): [number, number, number, number] {
  if (b.angle === 0) return [b.cx - b.w / 2, b.cy - b.h / 2, b.cx + b.w / 2, b.cy + b.h / 2];
  const c = Math.abs(Math.cos(b.angle));
  const s = Math.abs(Math.sin(b.angle));
  const ex = (b.w * c + b.h * s) / 2;
  const ey = (b.w * s + b.h * c) / 2;
  return [b.cx - ex, b.cy - ey, b.cx + ex, b.cy + ey];
}
