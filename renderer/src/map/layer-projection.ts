// The layer's own CRS, made known to OpenLayers from the engine's proj4 string, so
// the GeoTIFF source never has to resolve GeoKeys itself (OL only knows 4326/3857
// offline) and WebGL reprojection to EPSG:3857 has a transform to use.
import proj4 from 'proj4';
import { register } from 'ol/proj/proj4.js';
import { get as getProjection } from 'ol/proj.js';
import type { Layer } from '../../../main/api.ts';

/** Registers (once) and returns the projection code for a georeferenced layer. */
export function projectionCodeFor(layer: Layer): string {
  const crs = layer.info.crs;
  if (!crs) throw new Error(`${layer.name}: no CRS to register`);
  // An EPSG code is shared between layers; a CRS with none (e.g. a local Transverse
  // Mercator) is registered under the layer's id so two different ones never collide.
  const code = crs.epsg ? `EPSG:${crs.epsg}` : `SKYSENSE:${layer.id}`;
  if (!getProjection(code)) {
    proj4.defs(code, crs.proj4);
    register(proj4);
  }
  return code;
}
