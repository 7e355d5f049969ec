// One projection for every image without georeferencing: map units are image pixels,
// x to the right, y up (row = -y). Such images cannot be placed on Earth, so they get a view of
// their own (see map-controller.ts) rather than a fake spot in EPSG:3857.
import Projection from 'ol/proj/Projection.js';
import type { Layer } from '../../../main/api.ts';

export const pixelProjection = new Projection({
  code: 'SKYSENSE:pixel',
  units: 'pixels',
  extent: [-1e7, -1e7, 1e7, 1e7],
});

/**
 * The image's place in pixel space. The engine's convention (layer.pixel): x = column,
 * y = -row, so the image spans [0, -height, width, 0] and its top-left corner is the origin.
 */
export function pixelExtentOf(layer: Layer): [number, number, number, number] {
  return layer.extent3857 ?? [0, -layer.info.height, layer.info.width, 0];
}
