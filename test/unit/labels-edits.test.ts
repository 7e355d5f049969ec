/**
 * The Labels panel's edits as pure functions over a LabelSet: classes (add, rename carrying
 * its features, recolour, delete taking them away), features (closed rings, fresh ids,
 * a vertex click that moves nothing leaves the set as it was), undo/redo over both, the
 * rotated box's rectangle, the default labels file and a series target from its dates. Every result is a valid LabelSet by
 * the contract's own schema.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LabelSet, type Layer } from '../../main/api.ts';
import { addClass, deleteClass, recolourClass, renameClass } from '../../renderer/src/labels/classes.ts';
import { addFeature, deleteFeature, modifyFeature } from '../../renderer/src/labels/features.ts';
import { commitEdit, redoEdit, undoEdit } from '../../renderer/src/labels/history.ts';
import { labelsFileFor, seriesTarget, type SeriesDate } from '../../renderer/src/labels/target.ts';
import { rotatedBoxRing } from '../../renderer/src/map/rotated-box.ts';

const empty: LabelSet = { target: { kind: 'raster', paths: ['/d/scene.tif'] }, classes: [], features: [] };
const tri: [number, number][] = [[0, 0], [10, 0], [5, 8]];

test('class edits keep every feature on a listed class', () => {
  let s = addClass(addClass(empty, 'water'), 'land');
  assert.deepEqual(s.classes.map((c) => c.name), ['water', 'land']);
  assert.notEqual(s.classes[0].color, s.classes[1].color);
  assert.equal(addClass(s, ' water '), s, 'a name listed already');
  assert.equal(addClass(s, '  '), s, 'no name');
  s = addFeature(s, 'water', 'polygon', tri);
  s = addFeature(s, 'land', 'point', [[3, 3]]);
  s = renameClass(s, 'water', 'lake');
  assert.deepEqual(s.features.map((f) => f.class), ['lake', 'land']);
  assert.equal(renameClass(s, 'lake', 'land'), s, 'not onto another class');
  s = recolourClass(s, 'lake', '#123456');
  assert.equal(s.classes[0].color, '#123456');
  assert.ok(LabelSet.safeParse(s).success);
  s = deleteClass(s, 'lake');
  assert.deepEqual(s.classes.map((c) => c.name), ['land']);
  assert.deepEqual(s.features.map((f) => f.class), ['land']);
  assert.ok(LabelSet.safeParse(s).success);
});

test('features: closed rings, fresh ids, a no-op modify changes nothing', () => {
  let s = addClass(empty, 'water');
  s = addFeature(s, 'water', 'polygon', tri);
  s = addFeature(s, 'water', 'polygon', [...tri, tri[0]]);
  assert.deepEqual(s.features.map((f) => f.id), ['f1', 'f2']);
  assert.deepEqual(s.features[0].coordinates, [...tri, tri[0]]);
  assert.deepEqual(s.features[1].coordinates, [...tri, tri[0]]);
  assert.equal(addFeature(s, 'cloud', 'point', [[1, 1]]), s, 'no such class');
  assert.equal(addFeature(s, 'water', 'polygon', [[0, 0], [1, 1]]), s, 'too few corners');
  assert.equal(modifyFeature(s, 'f1', [...tri]), s, 'the same corners');
  const box = addFeature(s, 'water', 'box', [[0, 0], [2, 0], [2, 2], [0, 2]]);
  const reshaped = modifyFeature(box, 'f3', [[0, 0], [3, 0], [2, 2], [0, 2]], 'polygon');
  assert.equal(reshaped.features[2].shape, 'polygon');
  assert.equal(reshaped.features[0], box.features[0], 'untouched features keep their objects');
  s = deleteFeature(reshaped, 'f1');
  assert.deepEqual(s.features.map((f) => f.id), ['f2', 'f3']);
  assert.equal(addFeature(s, 'water', 'point', [[1, 1]]).features[2].id, 'f4');
  assert.ok(LabelSet.safeParse(s).success);
});

test('undo and redo walk the edits back and forth; a new edit drops the redo', () => {
  const a = addClass(empty, 'water');
  const b = addFeature(a, 'water', 'point', [[1, 1]]);
  const c = deleteClass(b, 'water');
  let h = { set: a, undo: [] as LabelSet[], redo: [] as LabelSet[] };
  h = commitEdit(commitEdit(h, b), c);
  assert.equal(h.set, c);
  h = undoEdit(undoEdit(h));
  assert.equal(h.set, a);
  assert.equal(undoEdit(h), h, 'nothing more to undo');
  h = redoEdit(h);
  assert.equal(h.set, b);
  h = commitEdit(h, a);
  assert.deepEqual(h.redo, []);
  assert.equal(redoEdit(h), h);
});

test('a rotated box is the rectangle on the first side out to the third click', () => {
  const ring = rotatedBoxRing([0, 0], [4, 4], [0, 4]);
  // The side (0,0)-(4,4), the width the third point's distance from it: 2√2, to its left.
  const near = (p: number[], q: number[]) => Math.hypot(p[0] - q[0], p[1] - q[1]) < 1e-12;
  [[0, 0], [4, 4], [2, 6], [-2, 2], [0, 0]].forEach((q, i) => assert.ok(near(ring[i], q), `${ring[i]} vs ${q}`));
});

test('the labels file is <folder>/labels/<raster>.labels.geojson', () => {
  assert.equal(labelsFileFor('/out/', { kind: 'raster', paths: ['/d/S2 scene.tif'] }), '/out/labels/S2-scene.labels.geojson');
  assert.equal(labelsFileFor('/out', { kind: 'pair', before: ['/d/imgs_1'], after: ['/d/imgs_2'] }), '/out/labels/imgs_1-imgs_2.labels.geojson');
  assert.equal(labelsFileFor('C:\\out', { kind: 'raster', paths: ['C:\\d\\a.tif'] }), 'C:\\out\\labels\\a.labels.geojson');
});

test('a series target: S2 and S1 dates in date order with their dates; what cannot be a date is said', () => {
  const layer = (id: string, paths: string[]) => ({ id, name: id, info: { path: paths[0], files: paths } }) as unknown as Layer;
  const d = (id: string, modality: SeriesDate['modality'], date: string | null, paths = [`/d/${id}`]): SeriesDate => ({ layer: layer(id, paths), modality, date });
  const { target, problem } = seriesTarget([d('may', 's2', '2020-05-01'), d('apr', 's2', '2020-04-01'), d('vv', 's1', '2020-04-03')]);
  assert.equal(problem, null);
  assert.deepEqual(target, { kind: 'series', series: { s2: ['/d/apr', '/d/may'], s1: ['/d/vv'], dates: ['2020-04-01', '2020-05-01'], s1Dates: ['2020-04-03'] } });
  assert.ok(LabelSet.safeParse({ target, classes: [], features: [] }).success);
  assert.deepEqual(seriesTarget([d('a', 's2', null), d('b', 's2', '2020-01-01')]).target, { kind: 'series', series: { s2: ['/d/a', '/d/b'] } }, 'dates only when every date has one');
  assert.match(seriesTarget([d('a', 's2', null)]).problem!, /at least two dates/);
  assert.match(seriesTarget([d('a', 's2', null), d('ortho', 'hr', null)]).problem!, /ortho reads as hr/);
  assert.match(seriesTarget([d('a', 's2', null), d('bands', 's2', null, ['/d/B02.tif', '/d/B03.tif'])]).problem!, /bands was opened from several files/);
});
