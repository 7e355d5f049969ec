// Files dropped from the OS. Electron can tell us their paths; a browser cannot, and
// we never upload the user's data, so the browser gets a plain explanation instead.
import type { AppClient } from '../client/app-client.ts';
import { pushNotice } from './notices.ts';
import { openEach } from './open-action.ts';

export async function dropFiles(client: AppClient, files: File[]): Promise<void> {
  if (files.length === 0) return;
  const paths = files.map((f) => client.pathForFile(f));
  if (paths.every((p): p is string => !!p)) {
    await openEach(client, paths);
    return;
  }
  pushNotice({
    code: 'E_UNSUPPORTED',
    message:
      'a browser does not reveal where a dropped file lives on disk, and SkySense does not upload your data; use Open… (Ctrl+O) and pick or paste its path',
    file: files.map((f) => f.name).join(', '),
  });
}
