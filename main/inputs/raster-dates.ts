/**
 * Acquisition dates stated inside a raster file. RasterInfo carries no metadata, so the
 * first file of the raster is opened again here for two things only: GDAL's dataset
 * metadata items (GDAL_METADATA tag, what `gdalinfo` lists under "Metadata:") and the
 * TIFF DateTime tag (306, gdalinfo's TIFFTAG_DATETIME). Only the first IFD's tags are
 * read; no pixels.
 *
 * DateTime is by the TIFF specification when the FILE was created, which for processed
 * imagery is usually the processing day, so it is kept apart and used only as a last
 * resort (series-dates.ts says so in the report).
 */
import { stat } from 'node:fs/promises';
import { parseGdalMetadata, readTiffTags } from '../raster/index.ts';
import { Tag } from '../raster/index.ts';
import { parseMetadataDate, type CalendarDate } from './dates.ts';

/** Dataset metadata items that hold the acquisition (sensing) time, most specific first. */
export const ACQUISITION_ITEMS = [
  'ACQUISITION_DATETIME_UTC',
  'ACQUISITION_DATETIME',
  'ACQUISITION_DATE',
  'ACQUISITION_START_TIME',
  'DATATAKE_1_DATATAKE_SENSING_START',
  'SENSING_TIME',
  'SENSING_START',
  'PRODUCT_START_TIME',
  'DATE_ACQUIRED',
  'IMAGING_DATE',
  'DATETIME',
] as const;

const TIFF_DATETIME = 306;

export interface FileDate {
  date: CalendarDate;
  /** e.g. 'GDAL metadata ACQUISITION_DATE=2010-08-15 in <file>'. */
  detail: string;
}

export interface RasterDateTags {
  /** From an acquisition metadata item, or null. */
  metadata: FileDate | null;
  /** From the TIFF DateTime tag (file creation time), or null. */
  tiffDateTime: FileDate | null;
}

const NONE: RasterDateTags = { metadata: null, tiffDateTime: null };

/** The dates a GeoTIFF states about itself; nothing for other formats or unreadable tags. */
export async function readRasterDateTags(file: string): Promise<RasterDateTags> {
  if (!/\.tiff?$/i.test(file)) return NONE;
  try {
    // The raster reader's bounded tag reads: a broken file costs no more here than at open.
    const tags = await readTiffTags(file, (await stat(file)).size, [Tag.GdalMetadata, TIFF_DATETIME]);
    let metadata: FileDate | null = null;
    const gdalMetadata = tags.get(Tag.GdalMetadata);
    if (typeof gdalMetadata === 'string') {
      const items = parseGdalMetadata(gdalMetadata.replace(/\0+$/, '')).filter((it) => it.sample === null && !it.role);
      for (const key of ACQUISITION_ITEMS) {
        const it = items.find((i) => i.name.toUpperCase() === key);
        const date = it ? parseMetadataDate(it.value) : null;
        if (it && date) {
          metadata = { date, detail: `GDAL metadata ${it.name}=${it.value.trim()} in ${file}` };
          break;
        }
      }
    }
    let tiffDateTime: FileDate | null = null;
    const dateTime = tags.get(TIFF_DATETIME);
    if (typeof dateTime === 'string') {
      const v = dateTime.replace(/\0+$/, '');
      const date = parseMetadataDate(v);
      if (date) tiffDateTime = { date, detail: `TIFF DateTime tag (TIFFTAG_DATETIME=${v.trim()}, when the file was written) in ${file}` };
    }
    return { metadata, tiffDateTime };
  } catch {
    // The raster reader has already opened this file; a tag it cannot parse here just means no date.
    return NONE;
  }
}
