// OpenLayers' GeoTIFF source with one repair for reprojected display (OL 10.11).
//
// When a file's overviews are not exact halves (395 rows -> 198), OL gives the
// overview level a fractional render tile size (256 x 255.48 px). DataTile then
// reprojects every tile at the largest texture/render ratio over all levels (1.002),
// and Math.round(256 * 1.002) = 257 px of output for a 256 px slot: the last column
// of each reprojected tile stays uncovered and the map shows 1-px seams along every
// EPSG:3857 tile edge. The engine writes such overviews (GDAL does too), so instead
// of avoiding them we keep the ratio integral, which is what it means anyway.
import { toSize } from 'ol/size.js';
import GeoTIFF, { type Options } from 'ol/source/GeoTIFF.js';

export class SeamlessGeoTIFF extends GeoTIFF {
  constructor(options: Options) {
    super(options);
    const repair = () => {
      if (this.getState() !== 'ready') return;
      this.un('change', repair);
      const grid = this.getTileGrid();
      if (!grid) return;
      let ratio = 1;
      grid.getResolutions().forEach((_, z) => {
        const slot = toSize(grid.getTileSize(z));
        const texture = this.getTileSize(z);
        ratio = Math.max(ratio, texture[0] / slot[0], texture[1] / slot[1]);
      });
      // tileOptions are merged over the computed reprojection options (see
      // DataTile#getReprojTile_), so this value is the one every reprojected tile uses.
      (this.tileOptions as { pixelRatio?: number }).pixelRatio = Math.max(1, Math.round(ratio));
    };
    this.on('change', repair);
  }
}
