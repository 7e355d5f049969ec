/**
 * GeoJSON (RFC 7946) FeatureCollection, streamed to disk: features are serialised as
 * they come and written in ~1 MB chunks, so the collection never exists as one string.
 * RFC 7946 coordinates are WGS84 longitude/latitude, so features in another CRS are
 * reprojected with proj4 vertex by vertex (pixel edges are short; no densifying).
 * Longitude/latitude get 11 decimals (about 1 µm): the RFC's suggested 6 (~0.1 m)
 * would change the area of 10 m pixels by up to 1-2 %. Features without a CRS (pixel
 * space) are refused: GDAL and QGIS would read their pixel coordinates as degrees.
 */
import proj4 from 'proj4';
import { ApiError, type Crs } from '../api.ts';
import { PartFile } from './part-file.ts';
import { checkWriterOptions, fieldValue, polygonsOf } from './fields.ts';
import type { Feature, VectorWriter, VectorWriterOptions } from './types.ts';

const CHUNK = 1 << 20;
/** Decimals of longitude/latitude: 1e-11° is about 1 µm, far below any pixel, and toFixed is 3-4x faster than shortest round-trip printing. */
const DECIMALS = 11;
const WGS84 = '+proj=longlat +datum=WGS84 +no_defs';

type Project = ((x: number, y: number) => [number, number]) | null;

function toLonLat(crs: Crs | null): Project {
  if (!crs || crs.epsg === 4326) return null;
  const conv = proj4(crs.proj4, WGS84);
  return (x, y) => {
    const r = conv.forward([x, y]);
    return [r[0], r[1]];
  };
}

export class GeoJsonWriter implements VectorWriter {
  private parts: string[] = [];
  private size = 0;
  private count = 0;

  private constructor(
    private readonly path: string,
    private readonly file: PartFile,
    private readonly opts: VectorWriterOptions,
    private readonly project: Project,
  ) {}

  static async open(path: string, opts: VectorWriterOptions): Promise<GeoJsonWriter> {
    checkWriterOptions(path, opts);
    if (!opts.crs) {
      throw new ApiError(
        'E_UNSUPPORTED',
        `${path}: GeoJSON coordinates are longitude/latitude (RFC 7946) and these features have no CRS (the raster is not georeferenced); write .gpkg instead`,
        path,
      );
    }
    const project = toLonLat(opts.crs);
    const w = new GeoJsonWriter(path, await PartFile.open(path), opts, project);
    w.push(`{"type":"FeatureCollection","name":${JSON.stringify(opts.layer)},"features":[\n`);
    return w;
  }

  async add(features: Feature[]): Promise<void> {
    this.file.assertOpen();
    for (const f of features) {
      this.push(`${this.count === 0 ? '' : ',\n'}${this.feature(f)}`);
      this.count++;
      if (this.size >= CHUNK) await this.flush();
    }
  }

  async finish(): Promise<void> {
    await this.file.commit(() => `${this.take()}\n]}\n`);
  }

  async abort(): Promise<void> {
    this.parts = [];
    await this.file.discard();
  }

  private feature(f: Feature): string {
    const polys = polygonsOf(this.path, f.geometry, this.opts.geometryType);
    const props: string[] = [];
    for (const fd of this.opts.fields) props.push(`${JSON.stringify(fd.name)}:${JSON.stringify(fieldValue(this.path, fd, f.properties))}`);
    const poly = (rings: number[][][]) => `[${rings.map((r) => `[${r.map((p) => this.position(p)).join(',')}]`).join(',')}]`;
    const geom =
      f.geometry.type === 'Polygon'
        ? `{"type":"Polygon","coordinates":${poly(polys[0])}}`
        : `{"type":"MultiPolygon","coordinates":[${polys.map(poly).join(',')}]}`;
    return `{"type":"Feature","id":${this.count + 1},"properties":{${props.join(',')}},"geometry":${geom}}`;
  }

  private position(p: number[]): string {
    if (!this.project) return `[${p[0].toFixed(DECIMALS)},${p[1].toFixed(DECIMALS)}]`;
    const [x, y] = this.project(p[0], p[1]);
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      throw new ApiError('E_CRS_UNKNOWN', `${this.path}: (${p[0]}, ${p[1]}) has no longitude/latitude in WGS84`, this.path);
    }
    return `[${x.toFixed(DECIMALS)},${y.toFixed(DECIMALS)}]`;
  }

  private push(s: string): void {
    this.parts.push(s);
    this.size += s.length;
  }

  /** The text pushed since the last write, handed out once. */
  private take(): string {
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    return text;
  }

  private async flush(): Promise<void> {
    await this.file.write(this.take());
  }
}
