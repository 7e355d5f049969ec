/**
 * `skysense eval`: a head's metrics on labelled data it may never have seen (a dataset spec,
 * or one raster and its labels). `--json` prints one object: overallAccuracy, macroF1,
 * meanIoU, kappa, perClass {precision, recall, f1, iou, support}, confusion; a detect head's adds
 * mAP50 and perClassAP {ap, boxes, detections}.
 */
import { ApiError } from '../api.ts';
import { evalHead, type EvalHeadOptions } from '../train/index.ts';
import { metricsJson, metricsText } from './metrics-text.ts';
import { fraction, parseLabelValues, SERIES_OPTIONS, seriesFlags } from './train.ts';
import { commandLine, parseOptions, UsageError } from './usage.ts';

export const EVAL_USAGE = 'usage: skysense eval --head HEAD_DIR [--model DIR] (--dataset SPEC.json | (--input FILE... | --fused --input S2_DATE... [--s1 S1_DATE...] [--dates D,...]) --labels FILE.tif|FILE.geojson|FILE.gpkg [--label-values V=CLASS,...] [--class-field NAME] [--layer NAME]) [--threshold S] (detect) [--provider LIST] [--json]';

function parseEvalArgs(args: string[]): { o: EvalHeadOptions; json: boolean } {
  const { values } = parseOptions(args, {
    head: { type: 'string' },
    model: { type: 'string' },
    dataset: { type: 'string' },
    input: { type: 'string', multiple: true },
    ...SERIES_OPTIONS,
    labels: { type: 'string' },
    'label-values': { type: 'string' },
    'class-field': { type: 'string' },
    'min-fraction': { type: 'string' },
    threshold: { type: 'string' },
    layer: { type: 'string' },
    provider: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (!values.head) throw new UsageError('--head is required');
  if (values.dataset && (values.input || values.labels)) throw new UsageError('--dataset and --input/--labels exclude each other');
  if (!values.dataset && ((!values.input && !values.s1) || !values.labels)) throw new UsageError('give --dataset SPEC.json, or --input and --labels');
  const series = seriesFlags(values);
  const threshold = values.threshold === undefined ? undefined : Number(values.threshold);
  if (threshold !== undefined && !(threshold > 0 && threshold < 1)) throw new UsageError(`--threshold needs a score between 0 and 1 (detect heads), got "${values.threshold}"`);
  const labelValues = values['label-values'] === undefined ? undefined : parseLabelValues(values['label-values']);
  return { o: { head: values.head, model: values.model, dataset: values.dataset, inputs: series ? undefined : values.input, series, labels: values.labels, labelValues, classField: values['class-field'], minFraction: fraction(values['min-fraction']), labelsLayer: values.layer, threshold, providers: values.provider }, json: values.json ?? false };
}

export async function runEval(args: string[]): Promise<number> {
  const line = commandLine({ name: 'skysense eval', help: EVAL_USAGE }, args, parseEvalArgs);
  if ('exit' in line) return line.exit;
  const { o, json } = line.args;
  try {
    const r = await evalHead(o);
    // Detect heads: mAP50 (and AP per class) of the boxes the detect task wrote, before the cell metrics.
    const detect = r.mAP50 === undefined ? null : { mAP50: r.mAP50, perClassAP: r.perClassAP };
    const text = detect ? `mAP50 ${detect.mAP50.toFixed(3)} (${Object.entries(detect.perClassAP ?? {}).map(([c, a]) => `${c} ${Number.isNaN(a.ap) ? 'no boxes' : a.ap.toFixed(3)}`).join(', ')})\ncell scores:\n${metricsText(r)}` : metricsText(r);
    process.stdout.write(json ? `${JSON.stringify({ ...metricsJson(r), ...(detect ?? {}) }, null, 2)}\n` : `${text}\n`);
    return 0;
  } catch (err) {
    const line = err instanceof ApiError ? err.message : `internal error (${err instanceof Error ? err.message : String(err)})`;
    process.stderr.write(`skysense: ${line.replace(/\s*\n\s*/g, ' ')}\n`);
    return 1;
  }
}
