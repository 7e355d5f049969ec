// Where the Run panel writes: the folder the user chose once (kept in this window's local
// storage), else the application's own output folder that app.info names. Never the input's
// folder: inputs are often on read-only media or shared data.
import type { JobTask } from '../../../main/api.ts';

const KEY = 'skysense.run.outputFolder';

export function rememberedFolder(): string {
  try {
    return window.localStorage.getItem(KEY) ?? '';
  } catch {
    return ''; // storage may be disabled; the app's folder is used then
  }
}

export function rememberFolder(folder: string): void {
  try {
    if (folder) window.localStorage.setItem(KEY, folder);
    else window.localStorage.removeItem(KEY);
  } catch {
    // not remembered, still used for this run
  }
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A new file in `folder` named after the input, the task and the time, so runs never overwrite each other. */
export function outputPath(folder: string, task: JobTask, inputName: string, now = new Date()): string {
  const sep = folder.includes('\\') && !folder.includes('/') ? '\\' : '/';
  const stem = inputName.replace(/\.[A-Za-z0-9]+$/, '').replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'scene';
  const stamp = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}${String(now.getMilliseconds()).padStart(3, '0')}`;
  const ext = task === 'detect' ? 'gpkg' : 'tif';
  return `${folder.replace(/[\\/]+$/, '')}${sep}${stem}-${task}-${stamp}.${ext}`;
}
