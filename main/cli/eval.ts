/**
 * `skysense eval`: a head's metrics on labelled data it may never have seen (a dataset spec,
 * or one raster and its labels). `--json` prints one object: overallAccuracy, macroF1,
 * meanIoU, kappa, perClass {precision, recall, f1, iou, support}, confusion.
 */
import { parseArgs } from 'node:util';
import { ApiError } from '../api.ts';
import { evalHead, type EvalHeadOptions } from '../train/index.ts';
import { metricsJson, metricsText } from './metrics-text.ts';
import { parseLabelValues } from './train.ts';

export const EVAL_USAGE = 'usage: skysense eval --head HEAD_DIR [--model DIR] (--dataset SPEC.json | --input FILE... --labels FILE.tif|FILE.geojson [--label-values V=CLASS,...] [--class-field NAME]) [--provider LIST] [--json]';

export async function runEval(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${EVAL_USAGE}\n`);
    return 0;
  }
  let o: EvalHeadOptions;
  let json = false;
  try {
    const { values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        head: { type: 'string' },
        model: { type: 'string' },
        dataset: { type: 'string' },
        input: { type: 'string', multiple: true },
        labels: { type: 'string' },
        'label-values': { type: 'string' },
        'class-field': { type: 'string' },
        provider: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
    if (!values.head) throw new Error('--head is required');
    if (values.dataset && (values.input || values.labels)) throw new Error('--dataset and --input/--labels exclude each other');
    if (!values.dataset && (!values.input || !values.labels)) throw new Error('give --dataset SPEC.json, or --input and --labels');
    json = values.json ?? false;
    o = { head: values.head, model: values.model, dataset: values.dataset, inputs: values.input, labels: values.labels, labelValues: values['label-values'] === undefined ? undefined : parseLabelValues(values['label-values']), classField: values['class-field'], providers: values.provider };
  } catch (err) {
    process.stderr.write(`skysense eval: ${(err as Error).message.split('\n')[0]}\n${EVAL_USAGE}\n`);
    return 2;
  }
  try {
    const r = await evalHead(o);
    process.stdout.write(json ? `${JSON.stringify(metricsJson(r), null, 2)}\n` : `${metricsText(r)}\n`);
    return 0;
  } catch (err) {
    const line = err instanceof ApiError ? err.message : `internal error (${err instanceof Error ? err.message : String(err)})`;
    process.stderr.write(`skysense: ${line.replace(/\s*\n\s*/g, ' ')}\n`);
    return 1;
  }
}
