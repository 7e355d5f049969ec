/**
 * parseRunArgs on node:util parseArgs: the files after --input (and --s1, --hr, --a, --b,
 * --a-s1, --b-s1) up to the next option are one raster, each occurrence one date; values
 * may be inline (--tile=256) or negative numbers (--lonlat -73.9,40.7); mistakes are
 * UsageErrors naming the option.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRunArgs, UsageError } from '../../main/cli/run-args.ts';

test('the files after --input up to the next option are one raster; each --input a date', () => {
  const r = parseRunArgs(['--task', 'embed', '--model', 'm', '--input', 'B02.tif', 'B03.tif', 'B04.tif', '--input', 'later.tif', '--s1', 'vv.tif', 'vh.tif', '--hr', 'hr.tif', '--out', 'o.tif']);
  assert.deepEqual(r.inputs, [['B02.tif', 'B03.tif', 'B04.tif'], ['later.tif']]);
  assert.deepEqual(r.s1, [['vv.tif', 'vh.tif']]);
  assert.deepEqual(r.hr, ['hr.tif']);
});

test('change on two series: --a/--b and their S1 and dates', () => {
  const r = parseRunArgs(['--task', 'change', '--head', 'h', '--a', 'a1.tif', '--a', 'a2.tif', '--b=b1.tif', '--a-s1', 's.tif', '--a-dates', '2020-01-01,2020-02-01', '--b-s1-dates', '2021-01-01', '--out', 'o.tif']);
  assert.deepEqual(r.seriesA, { s2: [['a1.tif'], ['a2.tif']], s1: [['s.tif']], dates: ['2020-01-01', '2020-02-01'], s1Dates: undefined });
  assert.deepEqual(r.seriesB, { s2: [['b1.tif']], s1: [], dates: undefined, s1Dates: ['2021-01-01'] });
  assert.deepEqual(r.inputs, []);
});

test('inline values, negative numbers, the last of a repeated option, switches', () => {
  const r = parseRunArgs(['--task=similar', '--model', 'm1', '--model', 'm2', '--input', 'a.tif', '--lonlat', '-73.9,-40.7', '--tile=256', '--fp16', '--out', 'o.tif']);
  assert.equal(r.task, 'similar');
  assert.equal(r.model, 'm2');
  assert.deepEqual(r.lonLat, [-73.9, -40.7]);
  assert.equal(r.tile, 256);
  assert.equal(r.fp16, true);
  assert.equal(r.probabilities, false);
  const m = parseRunArgs(['--task', 'embed', '--model', 'm', '--input', 'a.tif', '--mask', 'p.tif', '--mask-threshold', '-0.5', '--out', 'o.tif']);
  assert.equal(m.maskThreshold, -0.5);
});

test('mistakes are UsageErrors of one line naming the option', () => {
  const base = ['--task', 'embed', '--model', 'm', '--input', 'a.tif', '--out', 'o.tif'];
  const cases: [string[], string][] = [
    [[...base, '--bogus'], 'unknown option "--bogus"'],
    [[...base, '-x'], 'unknown option "-x"'],
    [[...base, '--threads', '0'], '--threads must be at least 1'],
    [[...base, '--bands', '1,,2'], '--bands expects 1-based band numbers separated by commas (got "1,,2")'],
    [[...base, '--hr', 'h1.tif', '--hr', 'h2.tif'], '--hr is given twice: one HR raster is fused with the series'],
    [[...base, '--probabilities=no'], '--probabilities does not take a value'],
    [['stray', ...base], 'unexpected argument "stray"'],
    [['--task', 'paint', '--out', 'o.tif'], 'unknown task "paint" (tasks: embed, cluster, similar, segment, change, classify, detect)'],
    [['--task', 'embed', '--model', 'm', '--input', 'a.tif'], '--out is required'],
  ];
  for (const [args, message] of cases) {
    assert.throws(() => parseRunArgs(args), (err: unknown) => err instanceof UsageError && err.message === message, `${args.join(' ')}: want ${message}`);
  }
});
