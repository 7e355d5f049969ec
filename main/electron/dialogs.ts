/** The native open dialog behind `dialog.open` in the desktop app. */
import { BrowserWindow, dialog, type OpenDialogOptions } from 'electron';
import type { ReplyOf } from '../api.ts';

const RASTER_EXTENSIONS = ['tif', 'tiff', 'TIF', 'TIFF', 'png', 'PNG', 'jpg', 'jpeg', 'JPG', 'JPEG'];

const PROJECT_OPTIONS: OpenDialogOptions = {
  title: 'Open project',
  properties: ['openFile'],
  filters: [{ name: 'SkySense projects', extensions: ['json'] }, { name: 'All files', extensions: ['*'] }],
};

export async function showOpenDialog(folders: boolean, kind: 'raster' | 'project' = 'raster'): Promise<ReplyOf<'dialog.open'>> {
  const options: OpenDialogOptions = kind === 'project' ? PROJECT_OPTIONS : folders
    ? { title: 'Open a folder of band files', properties: ['openDirectory'] }
    : {
        title: 'Open raster',
        properties: ['openFile', 'multiSelections'],
        filters: [
          { name: 'Rasters (GeoTIFF, PNG, JPEG)', extensions: RASTER_EXTENSIONS },
          { name: 'All files', extensions: ['*'] },
        ],
      };
  const parent = BrowserWindow.getFocusedWindow();
  const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  return { paths: result.canceled ? [] : result.filePaths };
}
