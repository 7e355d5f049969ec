/** TIFF / GeoTIFF / GDAL tag numbers and field types used by the reader and the writer. */
export const Tag = {
  NewSubfileType: 254,
  ImageWidth: 256,
  ImageLength: 257,
  BitsPerSample: 258,
  Compression: 259,
  Photometric: 262,
  StripOffsets: 273,
  SamplesPerPixel: 277,
  RowsPerStrip: 278,
  StripByteCounts: 279,
  PlanarConfiguration: 284,
  Predictor: 317,
  ColorMap: 320,
  TileWidth: 322,
  TileLength: 323,
  TileOffsets: 324,
  TileByteCounts: 325,
  ExtraSamples: 338,
  SampleFormat: 339,
  JPEGTables: 347,
  ModelPixelScale: 33550,
  ModelTiepoint: 33922,
  ModelTransformation: 34264,
  GeoKeyDirectory: 34735,
  GeoDoubleParams: 34736,
  GeoAsciiParams: 34737,
  GdalMetadata: 42112,
  GdalNodata: 42113,
  LercParameters: 50674,
  DateTime: 306,
} as const;

const TAG_NAMES: Record<number, string> = Object.fromEntries(Object.entries(Tag).map(([name, tag]) => [tag, name]));
TAG_NAMES[Tag.GdalMetadata] = 'GDAL_METADATA';
TAG_NAMES[Tag.GdalNodata] = 'GDAL_NODATA';

/** How refusals name a tag: its TIFF name and number, e.g. "BitsPerSample (258)". */
export function tagName(tag: number): string {
  return TAG_NAMES[tag] ? `${TAG_NAMES[tag]} (${tag})` : `tag ${tag}`;
}

export const FieldType = {
  BYTE: 1,
  ASCII: 2,
  SHORT: 3,
  LONG: 4,
  RATIONAL: 5,
  SBYTE: 6,
  UNDEFINED: 7,
  SSHORT: 8,
  SLONG: 9,
  SRATIONAL: 10,
  FLOAT: 11,
  DOUBLE: 12,
  IFD: 13,
  LONG8: 16,
  SLONG8: 17,
  IFD8: 18,
} as const;

export function fieldTypeSize(type: number): number {
  switch (type) {
    case 1: case 2: case 6: case 7: return 1;
    case 3: case 8: return 2;
    case 4: case 9: case 11: case 13: return 4;
    case 5: case 10: case 12: case 16: case 17: case 18: return 8;
    default: return 0;
  }
}

/** GDAL's names for TIFF compression codes (what gdalinfo prints as COMPRESSION). */
export const compressionNames: Record<number, string | null> = {
  1: null,
  5: 'LZW',
  7: 'JPEG',
  8: 'DEFLATE',
  32946: 'DEFLATE',
  32773: 'PACKBITS',
  34887: 'LERC',
  50000: 'ZSTD',
  50001: 'WEBP',
};
