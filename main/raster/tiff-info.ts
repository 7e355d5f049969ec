/** RasterInfo of an opened TIFF: georeferencing, CRS, nodata, band names, layout. */
import { resolve } from 'node:path';
import type { RasterInfo } from '../api.ts';
import type { TiffFile } from './tiff-file.ts';
import { arr, str } from './tiff-file.ts';
import { Tag, compressionNames } from './tiff-tags.ts';
import { GK, keyNumber, parseGeoKeys } from './geokeys.ts';
import { crsFromGeoKeys } from './crs-from-geokeys.ts';
import { IDENTITY, cornersOf, geoTransformFromTags } from './geotransform.ts';
import { bandDescriptions, parseGdalMetadata, parseNodata } from './gdal-metadata.ts';
import { readColorTable } from './color-table.ts';

export function tiffInfo(tf: TiffFile, path: string): RasterInfo {
  const main = tf.main;
  const keys = parseGeoKeys(arr(main, Tag.GeoKeyDirectory), arr(main, Tag.GeoDoubleParams), str(main, Tag.GeoAsciiParams));
  const crs = crsFromGeoKeys(keys, path);
  const pixelIsPoint = keyNumber(keys, GK.GTRasterType) === 2;
  const gt = geoTransformFromTags(arr(main, Tag.ModelTiepoint), arr(main, Tag.ModelPixelScale), arr(main, Tag.ModelTransformation), pixelIsPoint);
  const full = tf.levels[0];
  const descriptions = bandDescriptions(parseGdalMetadata(str(main, Tag.GdalMetadata)));
  const geoTransform = gt ?? IDENTITY;
  const abs = resolve(path);
  return {
    path: abs,
    files: [abs],
    format: tf.ghost && tf.ghost.LAYOUT === 'COG' ? 'COG' : 'GTiff',
    width: full.width,
    height: full.height,
    bandCount: tf.samplesPerPixel,
    dataType: tf.dataType,
    bandNames: Array.from({ length: tf.samplesPerPixel }, (_, i) => descriptions.get(i) || `Band ${i + 1}`),
    nodata: parseNodata(str(main, Tag.GdalNodata)),
    georeferenced: gt !== null,
    crs,
    geoTransform,
    corners: cornersOf(geoTransform, full.width, full.height),
    overviews: tf.levels.slice(1).map((l) => ({ width: l.width, height: l.height })),
    tiled: full.tiled,
    blockSize: [full.blockWidth, full.blockHeight],
    compression: compressionNames[tf.compression] === undefined ? String(tf.compression) : compressionNames[tf.compression],
    colorTable: readColorTable(tf, parseNodata(str(main, Tag.GdalNodata))),
    // Filled in by TiffRaster.open: the sidecar is another file, read asynchronously.
    categoryNames: null,
  };
}
