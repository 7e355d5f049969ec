/**
 * The Train head panel's pure state (renderer/src/state/train-*.ts), against the contract's
 * own schemas: the settings make a valid job.train request or name the wrong field; the task
 * follows the labels' target; Apply's request is a valid job.start for each target kind; the
 * confusion matrix's shares; the head's default name passes head.save's rule.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commands, JobRequest, TrainJobRequest, type HeadMetrics, type LabelTarget } from '../../main/api.ts';
import { applyOutPath, applyRequest } from '../../renderer/src/state/train-apply.ts';
import { curveCaption, curveColumns } from '../../renderer/src/state/train-curve.ts';
import { buildTrainRequest, DEFAULT_TRAIN_FORM } from '../../renderer/src/state/train-form.ts';
import { blockers } from '../../renderer/src/state/train-labels.ts';
import { classRows, confusionRows, shareColor } from '../../renderer/src/state/train-metrics.ts';
import { defaultHeadName, saveProblem } from '../../renderer/src/state/train-save.ts';
import { trainTaskOf } from '../../renderer/src/state/train-task.ts';

const raster: LabelTarget = { kind: 'raster', paths: ['/d/bercy/imgs_1'] };
const pair: LabelTarget = { kind: 'pair', before: ['/d/bercy/imgs_1'], after: ['/d/bercy/imgs_2'] };
const series: LabelTarget = { kind: 'series', series: { s2: ['/d/s2/a.tif', '/d/s2/b.tif'], s1: ['/d/s1/a.tif'] } };

test('the settings: the defaults with a model make a valid job.train request; each bad field is named', () => {
  const form = { ...DEFAULT_TRAIN_FORM, model: '/m/skysense-tiny' };
  const b = buildTrainRequest(form, '/l/bercy.labels.geojson');
  assert.ok(b.ok);
  assert.deepEqual(b.request, { labels: '/l/bercy.labels.geojson', model: '/m/skysense-tiny', headType: 'mlp', epochs: 30, valFraction: 0.2, seed: 0 });
  TrainJobRequest.parse(b.request);
  const error = (patch: Partial<typeof form>, labels: string | null = '/l/x.geojson') => {
    const r = buildTrainRequest({ ...form, ...patch }, labels);
    return r.ok ? null : r.error;
  };
  assert.match(error({}, null)!, /not saved/);
  assert.match(error({ model: '' })!, /encoder/);
  for (const epochs of ['0', '1.5', '', 'x', '10001']) assert.match(error({ epochs })!, /^Epochs/, epochs);
  for (const valFraction of ['0', '1', '', '-0.1', 'a']) assert.match(error({ valFraction })!, /^Validation share/, valFraction);
  for (const seed of ['-1', '0.5', '']) assert.match(error({ seed })!, /^Seed/, seed);
});

test('the task follows the labels: raster -> segment, pair -> change, series -> segment on a series', () => {
  assert.deepEqual([raster, pair, series].map((t) => [trainTaskOf(t).task, trainTaskOf(t).label]),
    [['segment', 'segment'], ['change', 'change'], ['segment', 'segment on a series']]);
  assert.match(trainTaskOf(series).reason, /3 dates/);
});

test('Apply: a valid job.start for each target, named <name>-<raster>.tif in the output folder', () => {
  for (const t of [raster, pair, series]) {
    const out = applyOutPath('/out/', 'bercy-head', t);
    JobRequest.parse(applyRequest(t, '/h/bercy-head', out));
  }
  assert.equal(applyOutPath('/out/', 'bercy-head', raster), '/out/bercy-head-imgs_1.tif');
  assert.equal(applyOutPath('/out', 'h', { kind: 'raster', paths: ['/d/scene.tif'] }), '/out/h-scene.tif');
  assert.deepEqual(applyRequest(pair, '/h', '/o.tif').inputs, { before: pair.before, after: pair.after });
  assert.equal(applyRequest(pair, '/h', '/o.tif').task, 'change');
});

test('metrics: row shares, colour from white to blue, per-class rows in the head\'s class order', () => {
  const m: HeadMetrics = {
    overallAccuracy: 0.6, macroF1: 0.5, meanIoU: 0.4, kappa: 0.2, confusion: [[3, 1], [0, 0]],
    perClass: { b: { precision: 1, recall: 0, f1: 0, iou: 0, support: 0 }, a: { precision: 1, recall: 0.75, f1: 0.86, iou: 0.75, support: 4 } },
  };
  assert.deepEqual(confusionRows(m).map((r) => r.map((c) => c.share)), [[0.75, 0.25], [0, 0]]);
  assert.equal(shareColor(0), 'rgb(255, 255, 255)');
  assert.equal(shareColor(1), 'rgb(33, 102, 172)');
  assert.deepEqual(classRows(m, ['a', 'b']).map((r) => r.name), ['a', 'b']);
});

test('curve columns and caption; labels blockers; the default head name passes head.save', () => {
  const curve = [{ epoch: 1, loss: 0.7, valMacroF1: 0.4, best: 0.4 }, { epoch: 2, loss: 0.6, valMacroF1: 0.5, best: 0.5 }];
  assert.deepEqual(curveColumns(curve), [[1, 2], [0.7, 0.6], [0.4, 0.5]]);
  assert.equal(curveCaption(curve, 8), 'Epoch 2 of 8: loss 0.6000, validation macro F1 0.500 (best 0.500).');
  assert.equal(curveCaption([], 8), 'No epoch finished yet (of 8).');
  assert.match(blockers({ set: null, path: null, stats: null, from: 'none' })[0], /No labels yet/);
  const set = { target: raster, classes: [], features: [] };
  assert.deepEqual(blockers({ set, path: '/l.geojson', stats: { classes: [], outside: 0, problems: ['add a class'] }, from: 'panel' }), ['add a class']);
  assert.match(blockers({ set, path: null, stats: { classes: [], outside: 0, problems: [] }, from: 'panel' })[0], /not saved/);
  const rule = commands['head.save'].request.shape.name;
  for (const p of ['/l/bercy.labels.geojson', '/l/my labels (2).geojson', '/l/-x.json', '/l/Spain_S2Hand.labels.geojson', null]) {
    const name = defaultHeadName(p);
    assert.ok(rule.safeParse(name).success, name);
    assert.equal(saveProblem({ name, title: 't', description: '' }), null);
  }
  assert.equal(defaultHeadName('/l/bercy.labels.geojson'), 'bercy-head');
  assert.equal(defaultHeadName('/l/Spain_S2Hand.labels.geojson'), 'spain_s2hand-head');
  assert.match(saveProblem({ name: 'a/b', title: 't', description: '' })!, /folder name/);
});
