// What a map snapshot's legends list: each visible class layer of the current space with
// its Legend's rows (colour as edited, name), and each visible vector layer's classes.
import type { SnapshotLegend } from '../map/snapshot-legend.ts';
import { appStore, spaceOf } from './app-state.ts';
import { classAreasOf } from './class-areas.ts';
import { legendRows } from './legend-rows.ts';
import { vectorStore } from './vector-layers.ts';

export function snapshotLegends(): SnapshotLegend[] {
  const state = appStore.get();
  const legends: SnapshotLegend[] = [];
  for (const e of state.layers) {
    if (!e.visible || spaceOf(e.layer) !== state.space || e.display.mode !== 'classes' || !e.display.classColors) continue;
    const areas = classAreasOf(e.layer.id);
    const rows = legendRows(e.layer.info, e.display.classColors, areas?.phase === 'ready' ? areas.reply : null);
    if (rows.length) legends.push({ title: e.layer.name, rows: rows.map((r) => ({ color: r.color.slice(0, 7), name: r.name })) });
  }
  if (state.space === 'geo') {
    for (const v of vectorStore.get().layers) {
      if (!v.visible) continue;
      const rows = Object.entries(v.classColors).map(([cls, color]) => ({ color, name: cls || 'features' }));
      if (rows.length) legends.push({ title: v.name, rows });
    }
  }
  return legends;
}
