// main/labels: the labels an analyst draws in the window: stored as GeoJSON in the raster's CRS, imported from and exported to other GIS files, counted against the raster.
export { saveLabels, loadLabels } from './label-store.ts';
export { importLabels } from './label-import.ts';
export { exportLabels } from './label-export.ts';
export { labelStats } from './label-stats.ts';
