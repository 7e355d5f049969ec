// The layer list, top of the list drawn on top.
import { useApp } from '../state/use-app.ts';
import { LayerItem } from './LayerItem.tsx';

export function LayersPanel() {
  const layers = useApp((s) => s.layers);
  return (
    <section className="panel" aria-labelledby="layers-title">
      <h2 id="layers-title" className="panel-title">Layers</h2>
      {layers.length === 0 ? (
        <p className="empty">No layers. Use Open… (Ctrl+O) to add a GeoTIFF, a folder of band files, or a PNG/JPEG.</p>
      ) : (
        <ul className="layer-list" data-testid="layer-list">
          {layers.map((e, i) => (
            <LayerItem key={e.layer.id} entry={e} first={i === 0} last={i === layers.length - 1} />
          ))}
        </ul>
      )}
    </section>
  );
}
