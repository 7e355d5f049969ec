/** The native open and save dialogs behind `dialog.open` and `dialog.save` in the desktop app. */
import { BrowserWindow, dialog, type OpenDialogOptions, type SaveDialogOptions } from 'electron';
import type { ReplyOf, RequestOf } from '../api.ts';

const RASTER_EXTENSIONS = ['tif', 'tiff', 'TIF', 'TIFF', 'png', 'PNG', 'jpg', 'jpeg', 'JPG', 'JPEG'];

const PROJECT_OPTIONS: OpenDialogOptions = {
  title: 'Open project',
  properties: ['openFile'],
  filters: [{ name: 'SkySense projects', extensions: ['json'] }, { name: 'All files', extensions: ['*'] }],
};

const LABELS_OPTIONS: OpenDialogOptions = {
  title: 'Import labels',
  properties: ['openFile'],
  filters: [{ name: 'Labels (GeoJSON, GeoPackage)', extensions: ['geojson', 'json', 'gpkg'] }, { name: 'All files', extensions: ['*'] }],
};

export async function showOpenDialog(folders: boolean, kind: 'raster' | 'project' | 'labels' = 'raster'): Promise<ReplyOf<'dialog.open'>> {
  const options: OpenDialogOptions = kind === 'project' ? PROJECT_OPTIONS : kind === 'labels' ? LABELS_OPTIONS : folders
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

/** The chosen path, or null when the user cancelled; the dialog itself asks before overwriting. */
export async function showSaveDialog(req: RequestOf<'dialog.save'>): Promise<ReplyOf<'dialog.save'>> {
  const options: SaveDialogOptions = {
    title: req.title ?? 'Save',
    defaultPath: req.defaultPath,
    filters: req.filters,
    properties: ['showOverwriteConfirmation', 'createDirectory'],
  };
  const parent = BrowserWindow.getFocusedWindow();
  const result = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
  return { path: result.canceled || !result.filePath ? null : result.filePath };
}
