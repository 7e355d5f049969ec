/** The bytes one block decodes to, from the parameters geotiff.js hands a registered decoder: the most a codec may write. */
interface BlockParams {
  tileWidth: number;
  tileHeight: number;
  bitsPerSample: number[];
  planarConfiguration: number;
  samplesPerPixel?: number;
}

export function decodedBlockBytes(parameters: unknown): number {
  const p = parameters as BlockParams;
  const spp = p.planarConfiguration === 2 ? 1 : p.samplesPerPixel ?? p.bitsPerSample.length;
  return p.tileWidth * p.tileHeight * (p.bitsPerSample[0] / 8) * spp;
}
