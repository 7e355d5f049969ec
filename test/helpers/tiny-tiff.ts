/**
 * Hand-made TIFF bytes for bad-input tests: a header and one IFD whose values the
 * caller chooses, so a file can declare what it does not hold.
 */

/** A minimal little-endian TIFF: one IFD of SHORT (3) / LONG (4) entries; array values beyond the first are declared, not stored. */
export function tinyTiff(entries: [tag: number, type: 3 | 4, values: number[]][], extraBytes = 0): Buffer {
  const sorted = [...entries].sort((a, b) => a[0] - b[0]);
  const ifdSize = 2 + sorted.length * 12 + 4;
  const buf = Buffer.alloc(8 + ifdSize + extraBytes);
  buf.write('II', 0, 'latin1');
  buf.writeUInt16LE(42, 2);
  buf.writeUInt32LE(8, 4);
  buf.writeUInt16LE(sorted.length, 8);
  sorted.forEach(([tag, type, values], i) => {
    const p = 10 + i * 12;
    buf.writeUInt16LE(tag, p);
    buf.writeUInt16LE(type, p + 2);
    buf.writeUInt32LE(values.length, p + 4);
    if (type === 3) values.slice(0, 2).forEach((v, k) => buf.writeUInt16LE(v, p + 8 + k * 2));
    else buf.writeUInt32LE(values[0], p + 8);
  });
  return buf;
}

/** 100000 x 100000 Byte pixels in one strip of 4 GB that the file does not hold. */
export function hugeEmptyTiff(): Buffer {
  return tinyTiff([
    [256, 4, [100000]], [257, 4, [100000]], [258, 3, [8]], [259, 3, [1]], [262, 3, [1]],
    [273, 4, [100]], [277, 3, [1]], [278, 4, [100000]], [279, 4, [4000000000]],
  ]);
}

/** A copy of a GeoTIFF whose ProjectedCSTypeGeoKey (3072) holds `to` instead of `from`; null when not found. */
export function withProjectedCode(tiff: Buffer, from: number, to: number): Buffer | null {
  const buf = Buffer.from(tiff);
  // key id 3072, TIFFTagLocation 0 (value in the directory), count 1, value `from`
  const key = Buffer.from([0x00, 0x0c, 0x00, 0x00, 0x01, 0x00, from & 0xff, from >> 8]);
  const at = buf.indexOf(key);
  if (at < 0) return null;
  buf.writeUInt16LE(to, at + 6);
  return buf;
}
