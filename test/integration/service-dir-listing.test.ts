/** fs.list, the in-app open dialog's view of a folder, on a real temp folder. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ApiError } from '../../main/api.ts';
import { createHandlers } from '../../main/service/index.ts';

const ctx = { signal: new AbortController().signal, progress: () => undefined };

describe('service: fs.list', () => {
  let dir: string;
  const h = createHandlers({ cacheDir: join(tmpdir(), 'skysense-unused-cache'), transport: 'host' });

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'skysense-list-'));
    for (const d of ['scene10', 'scene2', 'Alpha']) mkdirSync(join(dir, d));
    writeFileSync(join(dir, 'b10.tif'), 'x'.repeat(10));
    writeFileSync(join(dir, 'b2.tif'), 'xx');
    writeFileSync(join(dir, '.hidden.tif'), 'x');
    mkdirSync(join(dir, '.git'));
    symlinkSync(join(dir, 'scene2'), join(dir, 'link-to-scene'));
    symlinkSync(join(dir, 'gone.tif'), join(dir, 'broken.tif'));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  test('folders first, natural order, hidden and broken entries skipped', async () => {
    const r = await h['fs.list']({ dir }, ctx);
    assert.equal(r.dir, dir);
    assert.equal(r.parent, dirname(dir));
    assert.deepEqual(
      r.entries.map((e) => [e.name, e.kind, e.size]),
      [['Alpha', 'dir', 0], ['link-to-scene', 'dir', 0], ['scene2', 'dir', 0], ['scene10', 'dir', 0], ['b2.tif', 'file', 2], ['b10.tif', 'file', 10]],
    );
    assert.equal(r.entries[0].path, join(dir, 'Alpha'));
  });

  test('no folder given lists home; the root has no parent', async () => {
    assert.equal((await h['fs.list']({}, ctx)).dir, homedir());
    assert.equal((await h['fs.list']({ dir: '/' }, ctx)).parent, null);
  });

  test('a missing folder or a file is E_NOT_FOUND naming it', async () => {
    for (const target of [join(dir, 'nope'), join(dir, 'b2.tif')]) {
      await assert.rejects(h['fs.list']({ dir: target }, ctx), (err: unknown) => {
        assert.ok(err instanceof ApiError);
        assert.equal(err.code, 'E_NOT_FOUND');
        assert.ok(err.message.includes(target));
        return true;
      });
    }
  });
});
