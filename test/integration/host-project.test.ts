/**
 * Projects over the wire, through the real host handlers: project.save writes the file whole
 * (no temporary left) with paths absolute and relative to it, project.open gives them back
 * where they are (also after the project folder moved), names the files it cannot find and
 * refuses bad files by file and key; project.recent lists them newest first, gone ones dropped.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Layer, Project, ReplyOf } from '../../main/api.ts';
import { repoRoot, startTestHost, WsTestClient, type TestHost } from './host-test-client.ts';

const BERCY_1 = join(repoRoot, '..', 'shared', 'data', 'oscd', 'bercy', 'imgs_1');
const BERCY_2_B04 = join(repoRoot, '..', 'shared', 'data', 'oscd', 'bercy', 'imgs_2', 'B04.tif');
const BERCY_GEOJSON = join(repoRoot, '..', 'shared', 'data', 'oscd', 'bercy', 'bercy.geojson');

type Opened = ReplyOf<'project.open'>;

/** A project the way the renderer builds one: absolute paths only. */
function projectOf(rasters: string[][], extra: Partial<Project> = {}): Project {
  return {
    format: 'skysense-project',
    version: 1,
    rasters: rasters.map((paths, i) => ({
      paths: paths.map((absolute) => ({ absolute })),
      visible: i === 0,
      opacity: 0.55,
      display: {
        mode: 'rgb',
        bands: [4, 3, 2],
        stretch: 'manual',
        manual: [{ min: 100, max: 2000 }, { min: 110, max: 2100 }, { min: 120, max: 2200 }],
        gamma: 1.4,
        classColors: null,
      },
    })),
    vectors: [{ path: { absolute: BERCY_GEOJSON }, table: null, visible: false, classColors: { '': '#ff8800' } }],
    view: { space: 'geo', center: [262_000.5, 6_249_000.25], resolution: 4.77, zoom: 15.03 },
    basemap: false,
    graticule: true,
    outputFolder: null,
    jobs: [],
    ...extra,
  };
}

describe('host: project.save / project.open / project.recent', () => {
  let h: TestHost;
  let c: WsTestClient;
  let tmp = '';

  before(async () => {
    h = await startTestHost();
    c = await WsTestClient.connect(h.wsUrl);
    tmp = mkdtempSync(join(tmpdir(), 'skysense-project-'));
  });

  after(async () => {
    c?.close();
    await h?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('no recent projects on a fresh cache folder', async () => {
    assert.deepEqual(await c.value('project.recent', {}), { projects: [] });
  });

  test('save writes the whole project with relative paths, leaves no temporary, and open gives it back', async () => {
    const dir = join(tmp, 'a');
    mkdirSync(join(dir, 'data'), { recursive: true });
    const local = join(dir, 'data', 'B04.tif');
    copyFileSync(BERCY_2_B04, local);
    const file = join(dir, 'bercy.skysense.json');
    const project = projectOf([[local], [BERCY_1]], { outputFolder: { absolute: join(dir, 'data') } });
    const saved = await c.value<ReplyOf<'project.save'>>('project.save', { path: file, project });
    assert.equal(saved.path, file);
    assert.deepEqual(readdirSync(dir).sort(), ['bercy.skysense.json', 'data'], 'only the project file, no .part left');
    const onDisk = JSON.parse(readFileSync(file, 'utf8')) as Project;
    assert.deepEqual(onDisk, saved.project);
    assert.deepEqual(onDisk.rasters[0].paths[0], { absolute: local, relative: 'data/B04.tif' });
    assert.equal(onDisk.rasters[1].paths[0].relative, relative(dir, BERCY_1).split('\\').join('/'));
    assert.deepEqual(onDisk.outputFolder, { absolute: join(dir, 'data'), relative: 'data' });

    const opened = await c.value<Opened>('project.open', { path: file });
    assert.equal(opened.name, 'bercy');
    assert.deepEqual(opened.missing, []);
    assert.deepEqual(opened.project, onDisk, 'every setting back as saved');
  });

  test('a moved project folder opens with its files found relative to the project, and they open as layers', async () => {
    const moved = join(tmp, 'moved');
    renameSync(join(tmp, 'a'), moved);
    const opened = await c.value<Opened>('project.open', { path: join(moved, 'bercy.skysense.json') });
    assert.deepEqual(opened.missing, []);
    assert.equal(opened.project.rasters[0].paths[0].absolute, join(moved, 'data', 'B04.tif'));
    assert.equal(opened.project.rasters[1].paths[0].absolute, BERCY_1, 'a file still where it was stays there');
    assert.equal(opened.project.outputFolder?.absolute, join(moved, 'data'));
    const layer = await c.value<Layer>('layer.open', { paths: opened.project.rasters[0].paths.map((p) => p.absolute) });
    assert.equal(layer.info.width, 360);
    await c.value('layer.close', { id: layer.id });
  });

  test('recent projects: newest first, the moved-away path dropped', async () => {
    const other = join(tmp, 'other.skysense.json');
    await c.value('project.save', { path: other, project: projectOf([[BERCY_1]]) });
    const { projects } = await c.value<ReplyOf<'project.recent'>>('project.recent', {});
    assert.deepEqual(projects.map((p) => p.path), [other, join(tmp, 'moved', 'bercy.skysense.json')]);
    assert.deepEqual(projects.map((p) => p.name), ['other', 'bercy']);
    assert.ok(projects[0].savedAt >= projects[1].savedAt);
    // Opening one puts it back on top.
    await c.value('project.open', { path: join(tmp, 'moved', 'bercy.skysense.json') });
    const again = await c.value<ReplyOf<'project.recent'>>('project.recent', {});
    assert.equal(again.projects[0].name, 'bercy');
    assert.equal(again.projects.length, 2);
  });

  test('a missing raster is named with its key; the rest of the project still opens', async () => {
    const dir = join(tmp, 'moved');
    rmSync(join(dir, 'data', 'B04.tif'));
    const opened = await c.value<Opened>('project.open', { path: join(dir, 'bercy.skysense.json') });
    assert.deepEqual(opened.missing, [{ key: 'rasters.0.paths.0', path: join(tmp, 'a', 'data', 'B04.tif') }]);
    assert.equal(opened.project.rasters.length, 2);
    assert.equal(opened.project.rasters[1].paths[0].absolute, BERCY_1);
    assert.equal(opened.project.vectors[0].path.absolute, BERCY_GEOJSON);
  });

  test('an ended job of a reopened project: its report reads through job.report, as the engine\'s own jobs do', async () => {
    const dir = join(tmp, 'jobs');
    mkdirSync(dir);
    const out = join(dir, 'clusters.tif');
    copyFileSync(BERCY_2_B04, out);
    const report = { task: 'cluster', k: 4, clusters: [{ name: 'Cluster 1', areaM2: 1200 }] };
    writeFileSync(`${out}.report.json`, JSON.stringify(report));
    const job = {
      id: 'restored-1', task: 'cluster' as const, status: 'done' as const,
      request: { task: 'cluster' as const, model: join(repoRoot, 'models', 'skysense-tiny'), inputs: { input: [BERCY_1] }, options: { k: 4 }, out },
      out: { absolute: out }, outputs: [{ absolute: out }], report: { absolute: `${out}.report.json` },
      provider: 'cpu', queuedAt: 1, startedAt: 2, endedAt: 3,
    };
    const file = join(dir, 'with-job.skysense.json');
    const before = await c.call('job.report', { id: job.id });
    assert.ok(!before.ok && before.error.code === 'E_NOT_FOUND', 'no such job before the project is opened');
    await c.value('project.save', { path: file, project: projectOf([[out]], { jobs: [job] }) });
    const opened = await c.value<Opened>('project.open', { path: file });
    assert.deepEqual(opened.project.jobs[0].request, job.request);
    assert.equal(opened.project.jobs[0].outputs[0].relative, 'clusters.tif');
    const r = await c.value<ReplyOf<'job.report'>>('job.report', { id: job.id });
    assert.deepEqual(r, { path: `${out}.report.json`, report });
  });

  test('bad project files: each refused with its file and what is wrong', async () => {
    const bad = async (name: string, text: string) => {
      const path = join(tmp, name);
      writeFileSync(path, text);
      const r = await c.call('project.open', { path });
      assert.equal(r.ok, false, `${name} refused`);
      return { path, error: r.ok ? null! : r.error };
    };
    const notJson = await bad('broken.skysense.json', '{"format": "skysense-project", "version": 1,');
    assert.equal(notJson.error.code, 'E_CORRUPT');
    assert.match(notJson.error.message, new RegExp(`^${notJson.path}: not a project file: not valid JSON`));

    const v2 = await bad('future.skysense.json', JSON.stringify({ ...projectOf([[BERCY_1]]), version: 2 }));
    assert.equal(v2.error.code, 'E_UNSUPPORTED');
    assert.equal(v2.error.message, `${v2.path}: version: project version 2; this SkySense reads version 1`);

    const other = await bad('package.json', JSON.stringify({ name: 'x', version: 1 }));
    assert.match(other.error.message, /not a SkySense project/);

    const p = projectOf([[BERCY_1]]);
    const wrongKey = await bad('opacity.skysense.json', JSON.stringify({ ...p, rasters: [{ ...p.rasters[0], opacity: 2 }] }));
    assert.equal(wrongKey.error.code, 'E_CORRUPT');
    assert.match(wrongKey.error.message, new RegExp(`^${wrongKey.path}: rasters\\.0\\.opacity: `));

    const colour = await bad('colour.skysense.json', JSON.stringify({ ...p, vectors: [{ ...p.vectors[0], classColors: { '': 'orange' } }] }));
    assert.match(colour.error.message, /: vectors\.0\.classColors\.: a colour as #rrggbb or #rrggbbaa$/);

    const none = await c.call('project.open', { path: join(tmp, 'nope.skysense.json') });
    assert.ok(!none.ok && none.error.code === 'E_NOT_FOUND' && none.error.message === `${join(tmp, 'nope.skysense.json')}: no such project file`);
  });

  test('save refuses a folder that does not exist (naming it) and a name that is not .json', async () => {
    const target = join(tmp, 'no-such-folder', 'p.skysense.json');
    const r = await c.call('project.save', { path: target, project: projectOf([[BERCY_1]]) });
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'E_NOT_FOUND');
    assert.equal(r.error.message, `${target}: cannot save the project, the folder ${join(tmp, 'no-such-folder')} does not exist`);
    assert.equal(existsSync(join(tmp, 'no-such-folder')), false);

    const tif = await c.call('project.save', { path: join(tmp, 'p.tif'), project: projectOf([[BERCY_1]]) });
    assert.ok(!tif.ok && tif.error.code === 'E_BAD_REQUEST');
    assert.match(tif.error.message, /^project\.save: path: a project file ends in \.skysense\.json$/);
    assert.equal(existsSync(join(tmp, 'p.tif')), false);
  });
});
