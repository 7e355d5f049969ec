// The scale bar on a map snapshot, bottom right: the longest 1, 2 or 5 x 10^n ground length
// that fits in 120 px at the view's centre, in m or km (px in pixel space).
const MAX_PX = 120;
const PAD = 8;

function niceLength(max: number): number {
  const p = 10 ** Math.floor(Math.log10(max));
  for (const k of [5, 2, 1]) if (k * p <= max) return k * p;
  return p;
}

function label(length: number, unit: 'm' | 'px'): string {
  if (unit === 'px') return `${length} px`;
  return length >= 1000 ? `${length / 1000} km` : `${length} m`;
}

export function drawScaleBar(ctx: CanvasRenderingContext2D, width: number, height: number, perPixel: number, unit: 'm' | 'px'): void {
  if (!(perPixel > 0) || !Number.isFinite(perPixel)) return;
  const length = niceLength(MAX_PX * perPixel);
  const px = Math.round(length / perPixel);
  const text = label(length, unit);
  ctx.font = '12px system-ui, sans-serif';
  const boxW = Math.max(px, ctx.measureText(text).width) + 2 * PAD;
  const x0 = width - PAD - boxW;
  const y0 = height - PAD - 36;
  ctx.fillStyle = 'rgba(255, 255, 255, 0.9)';
  ctx.fillRect(x0, y0, boxW, 36);
  ctx.fillStyle = '#111111';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.fillText(text, x0 + boxW / 2, y0 + 4);
  ctx.textAlign = 'start';
  const barX = x0 + (boxW - px) / 2;
  ctx.fillRect(barX, y0 + 22, px, 6);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(barX + px / 4, y0 + 23, px / 4, 4);
  ctx.fillRect(barX + (3 * px) / 4, y0 + 23, px / 4, 4);
}
