/**
 * Usage errors and --help of `skysense run`, `models` and `serve` as a user meets them:
 * a mistake exits 2 with one line naming the option, then the command's usage line (the
 * first line of its --help); `--help` and `-h` exit 0 with the help on stdout. Both of
 * node:util parseArgs's own refusals (unknown option, missing value, stray argument) and
 * the commands' value checks read this way.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { skysense } from '../helpers/skysense-cli.ts';

const USAGE_LINE = {
  run: 'Usage: skysense run --task TASK --out FILE [options]',
  models: 'Usage: skysense models [--json] [--dir DIR]...',
  serve: 'Usage: skysense serve [--port N] [--host ADDRESS] [--allow-remote] [--no-open]',
};
type Command = keyof typeof USAGE_LINE;

/** Exit 2, stderr exactly `skysense CMD: <message>` and the usage line, nothing on stdout. */
function usageError(cmd: Command, args: string[], message: string): void {
  const r = skysense(cmd, ...args);
  const what = `skysense ${cmd} ${args.join(' ')}`;
  assert.equal(r.code, 2, `${what}: exit ${r.code}; stderr: ${r.stderr}`);
  assert.equal(r.stdout, '', what);
  assert.deepEqual(r.stderr.split('\n'), [`skysense ${cmd}: ${message}`, USAGE_LINE[cmd], ''], what);
}

const RUN = ['--task', 'embed', '--model', 'models/skysense-tiny', '--input', 'a.tif', '--out', 'never-written.tif'];

describe('skysense run usage', () => {
  test('an unknown option is named', () => usageError('run', [...RUN, '--bogus'], 'unknown option "--bogus"'));
  test('a bad value is named with the value', () => usageError('run', [...RUN, '--tile', 'abc'], '--tile expects a whole number (got "abc")'));
  test('an inline bad value too', () => usageError('run', [...RUN, '--batch=-2'], '--batch expects a whole number (got "-2")'));
  test('an option without its value', () => usageError('run', [...RUN, '--overlap'], '--overlap needs a value'));
  test('a value that is another option', () => {
    usageError('run', ['--task', 'embed', '--model', 'm', '--out', '--fp16'], '--out needs a value (for a value starting with "-", write --out=VALUE)');
  });
  test('a value given to a switch', () => usageError('run', [...RUN, '--fp16=yes'], '--fp16 does not take a value'));
  test('a stray argument after a non-file option', () => usageError('run', [...RUN, 'extra.tif'], 'unexpected argument "extra.tif"'));
  test('a word outside its choices', () => usageError('run', [...RUN, '--dtype', 'int8'], '--dtype must be float32 or float16 (got "int8")'));
  test('a required option', () => usageError('run', ['--task', 'embed', '--model', 'm', '--input', 'a.tif'], '--out is required'));
  test('an option of another task', () => usageError('run', [...RUN, '--k', '3'], '--k does not apply to --task embed'));
  test('a negative number is a value, not an option', () => {
    // --lonlat -73.9,40.7 reaches the similar-query check (two queries), not a parse error.
    usageError('run', ['--task', 'similar', '--model', 'm', '--input', 'a.tif', '--lonlat', '-73.9,40.7', '--point', '-1,2', '--out', 'x.tif'],
      '--task similar needs exactly one query: --point X,Y (raster CRS), --lonlat LON,LAT or --polygon FILE.geojson');
  });
});

describe('skysense models usage', () => {
  test('an unknown option is named', () => usageError('models', ['--bogus'], 'unknown option "--bogus"'));
  test('a bad value is named', () => usageError('models', ['--dir='], '--dir needs a folder'));
  test('an option without its value', () => usageError('models', ['--dir'], '--dir needs a value'));
  test('a stray argument', () => usageError('models', ['models'], 'unexpected argument "models"'));
  test('a value given to a switch', () => usageError('models', ['--json=1'], '--json does not take a value'));
});

describe('skysense serve usage', () => {
  test('an unknown option is named', () => usageError('serve', ['--bogus'], 'unknown option "--bogus"'));
  test('a bad value is named with the value', () => usageError('serve', ['--port', 'abc'], '--port needs a number 0..65535, got "abc"'));
  test('a port out of range, inline', () => usageError('serve', ['--port=65536'], '--port needs a number 0..65535, got "65536"'));
  test('an option without its value', () => usageError('serve', ['--port'], '--port needs a value'));
  test('an empty address', () => usageError('serve', ['--host='], '--host needs an address'));
  test('a stray argument', () => usageError('serve', ['7878'], 'unexpected argument "7878"'));
});

describe('--help and -h', () => {
  for (const cmd of Object.keys(USAGE_LINE) as Command[]) {
    for (const flag of ['--help', '-h']) {
      test(`skysense ${cmd} ${flag}: exit 0, the help on stdout starting with the usage line`, () => {
        const r = skysense(cmd, flag);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stderr, '');
        assert.equal(r.stdout.split('\n')[0], USAGE_LINE[cmd]);
        assert.ok(r.stdout.split('\n').length > 3, r.stdout);
      });
    }
  }
  test('--help wins over other options, even mistaken ones', () => {
    const r = skysense('run', '--task', 'nope', '--bogus', '--help');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Usage: skysense run /);
  });
});
