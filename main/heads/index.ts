// main/heads: task heads: folders and sessions, setup checks, inference, class outputs, detection decoding, dense and fused runs.
export { loadHead, readHeadFolder, fileSha256, type HeadFolder } from './head-folder.ts';
export { runDenseHead, probabilityPath, denseTiling, type DenseHeadOptions } from './dense-head-run.ts';
export { prepareHeadInput, type HeadInput } from './head-input.ts';
export { reportHead, reportModel, reportProviders, type HeadReport, type HeadReportOutput } from './head-report.ts';
export { openHeadSetup, noteHeadWeights, startHeadSessions, type HeadRunOptions } from './head-setup.ts';
export { CLASS_NODATA, ClassAreas, classPost, classRasterOptions, classScheme, probabilityFile, type ClassScheme } from './class-output.ts';
export { sigmoidInPlace, softmaxPlanes, makeHeadInfer } from './head-infer.ts';
export { routeHead } from './head-route.ts';
export { boxExtent, type Box, type Point } from './box.ts';
export { decodeCells, type CellDecodeSpec } from './detect-decode.ts';
export { openFusedHead, type FusedHead, type SeriesInputOptions } from './fused-head.ts';
export { runFusedDense, type FusedDenseReport } from './fused-dense-run.ts';
