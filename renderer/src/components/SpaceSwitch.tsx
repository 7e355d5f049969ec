// Georeferenced layers and images in pixel space cannot share one map; this picks which is shown.
import { setSpace } from '../state/layer-actions.ts';
import { spaceOf } from '../state/app-state.ts';
import { useApp } from '../state/use-app.ts';

export function SpaceSwitch() {
  const space = useApp((s) => s.space);
  const hasPixel = useApp((s) => s.layers.some((e) => spaceOf(e.layer) === 'pixel'));
  if (!hasPixel && space === 'geo') return null;
  return (
    <div className="segmented" role="group" aria-label="Map space">
      <button type="button" aria-pressed={space === 'geo'} onClick={() => setSpace('geo')}
        title="Georeferenced layers on EPSG:3857">
        Map
      </button>
      <button type="button" aria-pressed={space === 'pixel'} data-testid="space-pixel" onClick={() => setSpace('pixel')}
        title="Images without georeferencing, in pixel coordinates">
        Pixel space
      </button>
    </div>
  );
}
