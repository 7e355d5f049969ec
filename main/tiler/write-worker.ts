/**
 * The output writer on its own thread (see worker-sink.ts for why): receives blended
 * rows from the pipeline and runs the pyramid building, tile encoding and file writes
 * of output-writer.ts here, off the thread that reads, infers and blends.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { NumericArray } from '../raster/index.ts';
import { openRowSink, type OutputSpec, type RowSink } from './output-writer.ts';
import type { ToWriter, FromWriter } from './worker-sink.ts';

const port = parentPort!;
const post = (m: FromWriter) => port.postMessage(m);
let sink: RowSink | null = null;
let broken = false;

function report(err: unknown): void {
  const e = err as { message?: string; code?: string; file?: string };
  post({ type: 'error', message: e?.message ?? String(err), code: e?.code, file: e?.file });
}

// Messages are handled strictly one after another: rows must reach the pyramid in order.
let chain: Promise<void> = openRowSink(workerData as OutputSpec).then(
  (s) => {
    sink = s;
    post({ type: 'ready' });
  },
  (err) => {
    broken = true;
    report(err);
  },
);

async function handle(m: ToWriter): Promise<void> {
  if (m.type === 'abort') {
    await sink?.abort().catch(() => undefined);
    post({ type: 'aborted' });
    return;
  }
  if (broken || !sink) return;
  try {
    if (m.type === 'rows') {
      await sink.writeRows(m.bands as NumericArray[], m.rows);
      post({ type: 'ack' });
    } else {
      await sink.finish();
      post({ type: 'done' });
    }
  } catch (err) {
    broken = true;
    await sink.abort().catch(() => undefined);
    report(err);
  }
}

port.on('message', (m: ToWriter) => {
  chain = chain.then(() => handle(m));
});
