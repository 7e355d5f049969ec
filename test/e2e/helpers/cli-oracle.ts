// The check both training e2e tests end with: a head applied from the window writes the class
// raster `skysense run --task segment --head SAVED` writes on the same scene, pixel for pixel.
import assert from 'node:assert/strict';
import { gdalWindow } from '../../helpers/gdal.ts';
import { skysense } from '../../helpers/skysense-cli.ts';

export function assertSameAsCliSegment(applied: string, head: string, input: string, cliOut: string): void {
  const cli = skysense('run', '--task', 'segment', '--head', head, '--input', input, '--out', cliOut);
  assert.equal(cli.code, 0, cli.stderr);
  const [a] = gdalWindow(applied);
  const [b] = gdalWindow(cliOut);
  assert.equal(a.length, b.length);
  const diff = a.findIndex((v, i) => v !== b[i]);
  assert.equal(diff, -1, `the applied class raster differs from the CLI's at pixel ${diff}: ${a[diff]} vs ${b[diff]}`);
}
