/**
 * The window's state as a project (renderer/src/state/project-build.ts), checked against the
 * contract's own schema: what layer.open took is what reopens, only ended jobs are kept (with
 * the request this window started them with), the view is kept only for the space shown.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Project, type JobInfo, type Layer, type RasterInfo } from '../../main/api.ts';
import { initialState, type AppState, type LayerEntry } from '../../renderer/src/state/app-state.ts';
import { rememberRequest } from '../../renderer/src/state/job-requests.ts';
import { buildProject, reopenPaths } from '../../renderer/src/state/project-build.ts';

const info = (path: string, files: string[]) => ({ path, files }) as Pick<RasterInfo, 'path' | 'files'>;

test('reopenPaths: a file or a band folder reopens by its path, band files given one by one reopen as all of them', () => {
  assert.deepEqual(reopenPaths(info('/d/a.tif', ['/d/a.tif'])), ['/d/a.tif']);
  assert.deepEqual(reopenPaths(info('/d/imgs_1', ['/d/imgs_1/B02.tif', '/d/imgs_1/B03.tif'])), ['/d/imgs_1']);
  assert.deepEqual(reopenPaths(info('/d/B02.tif', ['/d/B02.tif', '/d/B03.tif'])), ['/d/B02.tif', '/d/B03.tif']);
});

function entry(path: string, files: string[]): LayerEntry {
  const layer = { id: path.replace(/\W/g, ''), name: path, info: { path, files }, cogPath: 'x', imageUrl: null, extent3857: null, cached: false } as unknown as Layer;
  return {
    layer, visible: false, opacity: 0.3, stats: null, pending: false,
    display: { mode: 'classes', bands: [1, 1, 1], stretch: 'manual', manual: [{ min: 1, max: 2 }, { min: 1, max: 2 }, { min: 1, max: 2 }], gamma: 0.8, classColors: ['#00000000', '#ff0000ff'] },
  };
}

function job(id: string, status: JobInfo['status']): JobInfo {
  return { id, task: 'cluster', status, out: `/o/${id}.tif`, progress: null, provider: 'cpu', error: null, report: status === 'done' ? `/o/${id}.tif.report.json` : null, outputs: status === 'done' ? [`/o/${id}.tif`] : [], queuedAt: 1, startedAt: 2, endedAt: 3 };
}

test('buildProject: layers top first with their display, ended jobs with their requests, a valid Project', () => {
  const app: AppState = { ...initialState, layers: [entry('/d/top.tif', ['/d/top.tif']), entry('/d/imgs_1', ['/d/imgs_1/B02.tif'])], graticule: true };
  const request = { task: 'cluster' as const, model: '/m', inputs: { input: ['/d/top.tif'] }, options: { k: 3 }, out: '/o/done1.tif' };
  rememberRequest('done1', request);
  const project = buildProject({
    app,
    vectors: { layers: [], zoom: null },
    view: { space: 'geo', center: [1, 2], resolution: 3, zoom: 4 },
    outputFolder: ' /o ',
    jobs: [job('done1', 'done'), job('run1', 'running'), job('fail1', 'failed')],
  });
  assert.equal(Project.safeParse(project).success, true, JSON.stringify(Project.safeParse(project).error?.issues));
  assert.deepEqual(project.rasters.map((r) => r.paths), [[{ absolute: '/d/top.tif' }], [{ absolute: '/d/imgs_1' }]]);
  assert.deepEqual(project.rasters[0].display.classColors, ['#00000000', '#ff0000ff']);
  assert.deepEqual([project.rasters[0].visible, project.rasters[0].opacity, project.rasters[0].display.gamma], [false, 0.3, 0.8]);
  assert.deepEqual(project.jobs.map((j) => [j.id, j.status, j.request]), [['done1', 'done', request], ['fail1', 'failed', null]]);
  assert.deepEqual(project.outputFolder, { absolute: '/o' });
  assert.equal(project.graticule, true);
  assert.deepEqual(project.view?.center, [1, 2]);
  // A view published for the other space is not this window's view.
  const pixel = buildProject({ app, vectors: { layers: [], zoom: null }, view: { space: 'pixel', center: [0, 0], resolution: 1, zoom: null }, outputFolder: '', jobs: [] });
  assert.equal(pixel.view, null);
  assert.equal(pixel.outputFolder, null);
});
