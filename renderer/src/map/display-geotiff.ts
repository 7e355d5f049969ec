// OpenLayers' GeoTIFF source, tuned for drawing a layer reprojected to EPSG:3857 (OL 10.11).
//
// Larger reprojected tiles. Each reprojected tile costs a WebGL context, a shader and an
// upload of every source tile it touches, so 512 px target tiles instead of OL's 256
// cut that overhead (README, Benchmarks: first view).
//
// No seams. When overviews are not exact halves (395 rows -> 198, as GDAL and our
// engine write them), OL gives that level a fractional render tile size (256 x 255.48),
// then reprojects every tile at the largest texture/render ratio over all levels
// (1.002): Math.round(512 * 1.002) = 513 px of output for a 512 px slot leaves the last
// column uncovered, a 1-px seam along every EPSG:3857 tile edge. The ratio is meant as
// an integer density, so it is rounded once the tile grid is known.
import { get as getProjection } from 'ol/proj.js';
import { toSize } from 'ol/size.js';
import GeoTIFF, { type Options } from 'ol/source/GeoTIFF.js';
import { createXYZ, extentFromProjection } from 'ol/tilegrid.js';

export const MAP_PROJECTION = 'EPSG:3857';
const TARGET_TILE = 512;

export class DisplayGeoTIFF extends GeoTIFF {
  constructor(options: Options) {
    super(options);
    // Set before anything asks: the renderer may fetch (and OL caches) the default grid
    // as soon as the source is on a layer. Levels go far past any source pixel; beyond
    // the source's own resolution they only magnify, at no read cost.
    const target = getProjection(MAP_PROJECTION);
    if (target) {
      this.setTileGridForProjection(target, createXYZ({ extent: extentFromProjection(target), tileSize: TARGET_TILE, maxZoom: 26 }));
    }
    const onReady = () => {
      if (this.getState() !== 'ready') return;
      this.un('change', onReady);
      this.roundReprojectionRatio();
    };
    this.on('change', onReady);
  }

  private roundReprojectionRatio(): void {
    const grid = this.getTileGrid();
    if (!grid) return;
    let ratio = 1;
    grid.getResolutions().forEach((_, z) => {
      const slot = toSize(grid.getTileSize(z));
      const texture = this.getTileSize(z);
      ratio = Math.max(ratio, texture[0] / slot[0], texture[1] / slot[1]);
    });
    // tileOptions are merged over DataTile#getReprojTile_'s computed options, so every
    // reprojected tile uses this ratio.
    (this.tileOptions as { pixelRatio?: number }).pixelRatio = Math.max(1, Math.round(ratio));
  }
}
