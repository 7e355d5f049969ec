// The legends on a map snapshot: one box per visible class layer, bottom left, stacked
// upwards: the layer's name, then a swatch and a name per class, as its Legend lists them.
export interface SnapshotLegend {
  title: string;
  rows: { color: string; name: string }[];
}

const PAD = 8;
const ROW = 18;
const SWATCH = 12;
const FONT = '12px system-ui, sans-serif';
const TITLE_FONT = 'bold 12px system-ui, sans-serif';

export function drawLegends(ctx: CanvasRenderingContext2D, height: number, legends: SnapshotLegend[]): void {
  let bottom = height - PAD;
  for (const legend of legends) {
    ctx.font = TITLE_FONT;
    let w = ctx.measureText(legend.title).width;
    ctx.font = FONT;
    for (const r of legend.rows) w = Math.max(w, SWATCH + 6 + ctx.measureText(r.name).width);
    const boxW = Math.ceil(w + 2 * PAD);
    const boxH = (legend.rows.length + 1) * ROW + PAD;
    const top = bottom - boxH;
    ctx.fillStyle = 'rgba(255, 255, 255, 0.9)';
    ctx.fillRect(PAD, top, boxW, boxH);
    ctx.strokeStyle = '#666666';
    ctx.strokeRect(PAD + 0.5, top + 0.5, boxW - 1, boxH - 1);
    ctx.textBaseline = 'middle';
    ctx.fillStyle = '#111111';
    ctx.font = TITLE_FONT;
    ctx.fillText(legend.title, 2 * PAD, top + PAD / 2 + ROW / 2);
    ctx.font = FONT;
    legend.rows.forEach((r, i) => {
      const y = top + PAD / 2 + (i + 1) * ROW + ROW / 2;
      ctx.fillStyle = r.color;
      ctx.fillRect(2 * PAD, y - SWATCH / 2, SWATCH, SWATCH);
      ctx.strokeStyle = '#333333';
      ctx.strokeRect(2 * PAD + 0.5, y - SWATCH / 2 + 0.5, SWATCH - 1, SWATCH - 1);
      ctx.fillStyle = '#111111';
      ctx.fillText(r.name, 2 * PAD + SWATCH + 6, y);
    });
    bottom = top - PAD;
  }
}
