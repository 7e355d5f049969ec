// The vector layers (GeoJSON, GeoPackage), drawn above the rasters; hidden while none is open.
import { useVectors } from '../state/vector-layers.ts';
import { VectorLayerItem } from './VectorLayerItem.tsx';

export function VectorLayersPanel() {
  const layers = useVectors((s) => s.layers);
  if (layers.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="vectors-title">
      <h2 id="vectors-title" className="panel-title">Vector layers</h2>
      <ul className="layer-list" data-testid="vector-list">
        {layers.map((e) => <VectorLayerItem key={e.id} entry={e} />)}
      </ul>
    </section>
  );
}
