/**
 * A multi-label classify head (a sigmoid per class, binary cross-entropy) on BigEarthNet: the
 * BENv2 labels of each S2 patch (bigearthnet_staged_patches_benv2_metadata.csv) written as a
 * GeoJSON of the patch's outline once per label, as an analyst would hand them to `skysense
 * train`; one 120 px cell per patch. Trained on the 11 v1 patches through a dataset spec,
 * scored by `skysense eval` on the 3 v2 patches it never saw and on its own training patches,
 * and checked against `skysense run --task classify`: the classes each run's report names for
 * the patch are the ones eval counted as predicted.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { evalHead, trainTaskHead, type EvalReport, type TrainReport } from '../../main/train/index.ts';
import { readHeadFolder } from '../../main/heads/index.ts';
import { dataPath, gdalEpsg, gdalinfo, REPO_ROOT } from '../helpers/gdal.ts';
import { skysense } from '../helpers/skysense-cli.ts';

const MODEL = join(REPO_ROOT, 'models/skysense-tiny');
const BEN = dataPath('s1s2/bigearthnet');

/** The CSV's rows as fields (quoted fields may hold commas). */
function csvRows(text: string): string[][] {
  return text
    .trim()
    .split(/\r?\n/)
    .map((line) => {
      const fields: string[] = [];
      let field = '';
      let quoted = false;
      for (const ch of line) {
        if (ch === '"') quoted = !quoted;
        else if (ch === ',' && !quoted) {
          fields.push(field);
          field = '';
        } else field += ch;
      }
      fields.push(field);
      return fields;
    });
}

interface Patch {
  dir: string;
  version: string;
  labels: string[];
}

function patches(): Patch[] {
  const [head, ...rows] = csvRows(readFileSync(join(BEN, 'bigearthnet_staged_patches_benv2_metadata.csv'), 'utf8'));
  const col = (name: string) => head.indexOf(name);
  const v2 = join(BEN, 'v2/BigEarthNet-S2');
  const v2Dirs = readdirSync(v2).flatMap((tile) => readdirSync(join(v2, tile)).map((p) => join(v2, tile, p)));
  return rows
    .filter((r) => r[col('modality')] === 'S2')
    .map((r) => {
      const name = r[col('staged_patch')];
      const dir = r[col('staged_version')] === 'v1' ? join(BEN, 'v1/BigEarthNet-v1.0', name) : v2Dirs.find((d) => basename(d) === name)!;
      return { dir, version: r[col('staged_version')], labels: r[col('labels_benv2_19class')].split(';').filter(Boolean) };
    });
}

describe('skysense train --task classify --multi-label on BigEarthNet patches', () => {
  let tmp = '';
  let all: Patch[] = [];
  let classes: string[] = [];
  let report: TrainReport;
  let held: EvalReport;
  let own: EvalReport;
  /** The patch's outline (from its 10 m band) once per label, in its UTM CRS; labels outside `keep` left out. */
  const labelFile = (p: Patch, keep: string[]): string => {
    const b02 = readdirSync(p.dir).find((f) => f.endsWith('_B02.tif'))!;
    const info = gdalinfo(join(p.dir, b02));
    const c = info.cornerCoordinates;
    const ring = [c.upperLeft, c.upperRight, c.lowerRight, c.lowerLeft, c.upperLeft];
    const out = join(tmp, `${basename(p.dir)}.geojson`);
    const features = p.labels.filter((l) => keep.includes(l)).map((l) => ({ type: 'Feature', properties: { class: l }, geometry: { type: 'Polygon', coordinates: [ring] } }));
    writeFileSync(out, JSON.stringify({ type: 'FeatureCollection', crs: { type: 'name', properties: { name: `EPSG:${gdalEpsg(info)}` } }, features }));
    return out;
  };
  const spec = (name: string, list: Patch[]) => {
    const path = join(tmp, name);
    writeFileSync(path, JSON.stringify({ task: 'classify', classes, samples: list.map((p) => ({ inputs: { image: p.dir }, labels: labelFile(p, classes) })) }));
    return path;
  };
  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'skysense-train-multilabel-'));
    all = patches();
    const train = all.filter((p) => p.version === 'v1');
    // Classes seen in at least two training patches: one example cannot be split and learned.
    const seen = new Map<string, number>();
    for (const p of train) for (const l of p.labels) seen.set(l, (seen.get(l) ?? 0) + 1);
    classes = [...seen].filter(([, n]) => n >= 2).map(([l]) => l).sort();
    report = await trainTaskHead({ task: 'classify', multiLabel: true, grid: 120, model: MODEL, dataset: spec('train.json', train), out: join(tmp, 'ben-head'), cacheDir: join(tmp, 'cache'), epochs: 200, seed: 4, valFraction: 0.15, providers: 'cpu' });
    own = await evalHead({ head: join(tmp, 'ben-head'), model: MODEL, dataset: join(tmp, 'train.json'), providers: 'cpu' });
    held = await evalHead({ head: join(tmp, 'ben-head'), model: MODEL, dataset: spec('held.json', all.filter((p) => p.version === 'v2')), providers: 'cpu' });
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  test('a sigmoid head over the classes of the training patches', async () => {
    assert.equal(all.length, 14);
    assert.ok(classes.length >= 4, classes.join(', '));
    const h = await readHeadFolder(join(tmp, 'ben-head'));
    assert.equal(h.manifest.activation, 'sigmoid');
    assert.equal(h.manifest.threshold, 0.5);
    assert.deepEqual(h.manifest.outputs[0].shape, ['batch', classes.length]);
    assert.deepEqual(h.manifest.tile, { size: 120, stride: 120 });
    assert.equal(report.samples.train + report.samples.val, 11);
    assert.ok(report.onnxMaxAbsDiff <= 1e-4, `ONNX vs TypeScript ${report.onnxMaxAbsDiff}`);
  });

  test('eval: one cell per patch, a confusion row [tn, fp, fn, tp] per class', () => {
    for (const [r, n] of [[own, 11], [held, 3]] as const) {
      assert.equal(r.scenes.reduce((a, s) => a + s.cells, 0), n);
      assert.equal(r.confusion.length, classes.length);
      for (const row of r.confusion) assert.equal(row.reduce((a, b) => a + b, 0), n);
    }
    // The prior baseline: every patch given the classes of at least half the training patches.
    const train = all.filter((p) => p.version === 'v1');
    const prior = classes.filter((c) => train.filter((p) => p.labels.includes(c)).length * 2 >= train.length);
    const f1s = classes
      .map((c) => {
        const tp = train.filter((p) => p.labels.includes(c) && prior.includes(c)).length;
        const fp = prior.includes(c) ? train.length - train.filter((p) => p.labels.includes(c)).length : 0;
        const fn = prior.includes(c) ? 0 : train.filter((p) => p.labels.includes(c)).length;
        return tp + fp + fn > 0 ? (2 * tp) / (2 * tp + fp + fn) : null;
      })
      .filter((v): v is number => v !== null);
    const priorF1 = f1s.reduce((a, b) => a + b, 0) / f1s.length;
    console.log(`BigEarthNet multi-label: training patches macro F1 ${own.macroF1.toFixed(3)} (prior ${priorF1.toFixed(3)}), held-out ${held.macroF1.toFixed(3)}, epochs ${report.epochs.run} (best ${report.epochs.best})`);
    assert.ok(own.macroF1 > priorF1, `training-patch macro F1 ${own.macroF1} vs the prior baseline ${priorF1}`);
    for (const [name, m] of Object.entries(held.perClass)) {
      assert.equal(m.support, all.filter((p) => p.version === 'v2' && p.labels.includes(name)).length, name);
    }
  });

  test('skysense run --task classify names for each held-out patch the classes eval counted', () => {
    const predicted = classes.map(() => 0);
    for (const p of all.filter((q) => q.version === 'v2')) {
      const out = join(tmp, `${basename(p.dir)}-classes.tif`);
      const r = skysense('run', '--task', 'classify', '--head', join(tmp, 'ben-head'), '--model', MODEL, '--input', p.dir, '--out', out, '--provider', 'cpu');
      assert.equal(r.code, 0, r.stderr);
      const answer = JSON.parse(readFileSync(`${out}.report.json`, 'utf8')).scene as { labels: { name: string }[] };
      for (const c of answer.labels) predicted[classes.indexOf(c.name)]++;
    }
    // confusion rows are [tn, fp, fn, tp]: predicted = fp + tp.
    assert.deepEqual(held.confusion.map((row) => row[1] + row[3]), predicted);
  });
});
