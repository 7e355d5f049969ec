/**
 * The `detect` task: objects as boxes from a SkySense detect head (kind "head", task
 * "detect") on its encoder. Per tile: normalise, run the encoder, feed the head its taps,
 * decode the per-cell scores and boxes (head-decode.ts); across tiles: drop boxes cut by
 * interior tile edges that a neighbour sees whole, then class-wise NMS (tile-merge.ts);
 * write polygons in the raster's CRS (GeoJSON in WGS84 or GeoPackage, by extension) with
 * class, class_id, score, area, [angle,] source, and <out>.report.json.
 *
 * `shard: "I/N"` writes the boxes centred in the I-th block of tile rows, decided exactly as
 * one run decides them (detect-tiles.ts), so the N files append into the one-run file
 * (docs/cluster.md, "Merging").
 *
 * Tiles: the encoder's (or the head's) tile size and overlap, as segment uses them.
 * Boxes are found on the processing grid (the input's pixels, or the input resampled to the
 * model's GSD: inputs/prepare-input.ts) and mapped to map coordinates through that
 * grid's geotransform, so they land in the same place either way.
 */
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { ApiError } from '../../api.ts';
import { openRaster, type Raster } from '../../raster/index.ts';
import type { StageTimings } from '../../tiler/index.ts';
import { denseTiling } from '../../heads/index.ts';
import { writeReport } from '../../raster/index.ts';
import { readHeadFolder } from '../../heads/index.ts';
import { prepareHeadInput, type HeadInput } from '../../heads/index.ts';
import { reportModelInput } from '../../inputs/index.ts';
import { reportHead, reportModel, reportProviders, type HeadReport } from '../../heads/index.ts';
import { openHeadSetup, startHeadSessions, type HeadRunOptions } from '../../heads/index.ts';
import { parseShard, type Tile } from '../../tiler/index.ts';
import type { Box } from '../../heads/index.ts';
import { vectorFormatOf } from '../../vector/index.ts';
import { openBoxOutput, type BoxOutput } from './box-output.ts';
import { detectionReport, detectTiles, type DetectionsReport, type ShardReport } from './detect-tiles.ts';
import { decodeCells, type CellDecodeSpec } from '../../heads/index.ts';
import { crsName } from '../../raster/index.ts';

export interface DetectOptions extends HeadRunOptions {
  /** The raster: one file, or the single-band files / folder of one scene. */
  inputs: string[];
  /** Score threshold (default the head's `threshold`, else 0.5). */
  threshold?: number;
  /** NMS IoU threshold (default 0.5). */
  iouThreshold?: number;
}

export interface DetectReport {
  task: 'detect';
  head: HeadReport['head'];
  model: HeadReport['model'];
  inputs: HeadReport['inputs'];
  provider: string;
  headProvider: string;
  fallbacks: HeadReport['fallbacks'];
  tile: number;
  overlap: number;
  /** Input pixels per head cell. */
  stride: number;
  threshold: number;
  iouThreshold: number;
  oriented: boolean;
  tiles: { inferred: number; skipped: number; total: number };
  detections: DetectionsReport;
  shard: ShardReport | null;
  timings: Pick<StageTimings, 'read' | 'infer' | 'total'> & { merge: number; prepare: number };
  outputs: { path: string; role: 'detections'; features: number; perClass: Record<string, number>; crs: string | null; coordinates: string }[];
  warnings: string[];
}

function prob(name: string, v: number | undefined): void {
  if (v !== undefined && !(v > 0 && v < 1)) throw new ApiError('E_BAD_REQUEST', `${name} ${v}: must be between 0 and 1`);
}

/** Runs detect; writes <out> (.geojson or .gpkg) and <out>.report.json. */
export async function runDetect(o: DetectOptions): Promise<DetectReport> {
  const t0 = performance.now();
  prob('threshold', o.threshold);
  prob('iouThreshold', o.iouThreshold);
  vectorFormatOf(o.out);
  const shard = o.shard ? parseShard(o.shard) : undefined;
  const setup = await openHeadSetup(o, 'detect', await readHeadFolder(o.head));
  let source: Raster | null = null;
  let input: HeadInput | null = null;
  try {
    const head = setup.head;
    const scoresOut = head.outputs.find((t) => t.name === 'scores')!;
    const boxesOut = head.outputs.find((t) => t.name === 'boxes')!;
    if (boxesOut.stride !== scoresOut.stride) {
      throw new ApiError('E_CORRUPT', `${setup.headManifestPath}: outputs: "scores" and "boxes" must share one stride (${scoresOut.stride} vs ${boxesOut.stride})`, setup.headManifestPath);
    }
    source = await openRaster(o.inputs, { signal: o.signal, coarseBands: 'bilinear' });
    if (resolve(o.out) === resolve(source.info.path)) throw new ApiError('E_BAD_REQUEST', `${o.out}: the output would overwrite the input`);
    input = await prepareHeadInput(source, setup, o);
    const prepared = input;
    const raster = input.raster;
    const info = raster.info;
    const { tile, overlap, stride } = denseTiling(setup, o);
    const threshold = o.threshold ?? head.threshold ?? 0.5;
    const iouThreshold = o.iouThreshold ?? 0.5;
    const sessions = await startHeadSessions(setup);
    try {
      const prepare = performance.now() - t0;
      const C = setup.modality.bands.length;
      const encoderInput = setup.spec.inputs[0].name;
      let oriented: boolean | null = typeof boxesOut.shape[1] === 'number' ? boxesOut.shape[1] === 5 : null;
      const byValue: string[] = [];
      for (const c of head.classes) byValue[c.value] = c.name;

      const infer = async (inputs: Float32Array[], ctx: { tiles: Tile[] }): Promise<Box[][]> => {
        const n = inputs.length;
        const plane = C * tile * tile;
        const batch = new Float32Array(n * plane);
        inputs.forEach((t, i) => batch.set(prepared.normalise(t), i * plane));
        const enc = await sessions.encoder.run({ [encoderInput]: new ort.Tensor('float32', batch, [n, C, tile, tile]) });
        const feeds: Record<string, ort.Tensor> = {};
        for (const hi of head.inputs) feeds[hi.name] = enc.outputs[hi.tap];
        const res = await sessions.head.session.run(feeds);
        const s = res.scores;
        const b = res.boxes;
        const h = tile / stride;
        const w = ctx.tiles[0].width / stride;
        const sd = s?.dims.map(Number) ?? [];
        const bd = b?.dims.map(Number) ?? [];
        if (!s || !b || s.type !== 'float32' || b.type !== 'float32' || sd.join() !== [n, sd[1], h, w].join() || bd.join() !== [n, bd[1], h, w].join() || (bd[1] !== 4 && bd[1] !== 5)) {
          throw new ApiError(
            'E_CORRUPT',
            `${setup.headManifestPath}: outputs: the head gave scores [${sd.join(', ')}] and boxes [${bd.join(', ')}] for ${n} tile(s) of ${tile} px; expected [${n}, K, ${h}, ${w}] and [${n}, 4|5, ${h}, ${w}] (stride ${stride})`,
            setup.headManifestPath,
          );
        }
        oriented ??= bd[1] === 5;
        const spec: CellDecodeSpec = { activation: head.activation, classes: head.classes, channels: sd[1], boxChannels: bd[1], stride, threshold };
        const sData = s.data as Float32Array;
        const bData = b.data as Float32Array;
        const sPer = sd[1] * h * w;
        const bPer = bd[1] * h * w;
        return Array.from({ length: n }, (_, i) => decodeCells(sData.subarray(i * sPer, (i + 1) * sPer), bData.subarray(i * bPer, (i + 1) * bPer), h, w, spec));
      };

      // The writer's field list depends on whether boxes carry angles; a manifest with a
      // dynamic box channel count is settled by the first tile, so open the writer lazily.
      let output: BoxOutput | null = null;
      const open = async () =>
        (output ??= await openBoxOutput({
          path: o.out,
          crs: info.crs,
          geoTransform: info.georeferenced ? info.geoTransform : null,
          classNames: byValue,
          source: info.path,
          oriented: oriented ?? false,
          layer: head.name,
        }));
      if (oriented !== null) await open();
      try {
        const run = await detectTiles({
          raster,
          bands: prepared.mapping.bands,
          tile,
          overlap,
          batch: o.batch ?? 4,
          iouThreshold,
          signal: o.signal,
          progress: o.progress,
          infer,
          onBoxes: async (boxes) => (await open()).add(boxes),
          shard,
          reset: async () => {
            await output?.abort();
            output = null;
            if (oriented !== null) await open();
          },
        });
        const out = await open();
        await out.finish();
        const report: DetectReport = {
          task: 'detect',
          head: reportHead(setup),
          model: reportModel(setup),
          inputs: [reportModelInput(prepared, setup.modalityId)],
          ...reportProviders(sessions),
          tile,
          overlap,
          stride,
          threshold,
          iouThreshold,
          oriented: oriented ?? false,
          tiles: run.tiles,
          ...detectionReport(run, shard),
          timings: { read: run.timings.read, infer: run.timings.infer, merge: run.timings.merge, total: performance.now() - t0, prepare },
          outputs: [
            {
              path: resolve(o.out),
              role: 'detections',
              features: out.count,
              perClass: out.perClass,
              crs: crsName(info.crs),
              coordinates: info.georeferenced ? 'map coordinates through the input geotransform (GeoJSON: WGS84 longitude/latitude)' : 'input pixel coordinates (no georeferencing)',
            },
          ],
          warnings: setup.warnings,
        };
        await writeReport(`${resolve(o.out)}.report.json`, report);
        return report;
      } catch (err) {
        await (output as BoxOutput | null)?.abort();
        throw err;
      }
    } finally {
      await sessions.head.close();
    }
  } finally {
    await (input?.raster ?? source)?.close().catch(() => undefined);
    await setup.close();
  }
}
