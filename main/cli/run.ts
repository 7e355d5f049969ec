/**
 * `skysense run --task embed ...`: runs a model task over a raster from the command line.
 * Progress goes to stderr (a bar on a TTY, a plain line per ~10% otherwise); the run
 * report's path is the last line on stdout. Errors: one line `skysense: <problem>`, exit 1;
 * usage errors exit 2.
 */
import { ApiError } from '../api.ts';
import type { ModalityId } from '../model/index.ts';
import type { TiledProgress } from '../tasks/index.ts';
import type { EmbedOptions } from '../tasks/embed.ts';

const USAGE = `Usage: skysense run --task embed --model DIR --input FILE... --out FILE.tif [options]

Runs a SkySense task over a raster and writes a GeoTIFF plus FILE.tif.report.json.

  --task NAME        embed (per-location encoder features; other tasks are not implemented yet)
  --model DIR        model folder (manifest.json + ONNX modules)
  --input FILE...    the raster: a file, a band folder, or several single-band files
  --modality M       s2 | s1 | hr (default: from the band names)
  --bands LIST       1-based raster bands in the model's band order, e.g. 2,3,4,5,6,7,8,9,12,13
  --out FILE         output GeoTIFF (.tif)
  --provider LIST    execution providers to try in order, e.g. cuda,cpu (default: auto)
  --tile N           tile size in input pixels (default: the encoder's)
  --overlap N        overlap between tiles in input pixels (default: the encoder's)
  --shard I/N        run the I-th of N row blocks`;

const TASKS = ['embed', 'segment', 'change', 'classify', 'fuse'];

type Parsed = Pick<EmbedOptions, 'model' | 'inputs' | 'out' | 'modality' | 'bands' | 'providers' | 'tile' | 'overlap' | 'shard'> & {
  task: string;
};

class UsageError extends Error {}

function wholeNumber(flag: string, v: string): number {
  if (!/^\d+$/.test(v)) throw new UsageError(`${flag} expects a whole number (got "${v}")`);
  return Number(v);
}

function parse(args: string[]): Parsed {
  const p: Partial<Parsed> & { inputs: string[] } = { inputs: [] };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    const value = () => {
      const v = args[i + 1];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      i++;
      return v;
    };
    switch (flag) {
      case '--task': p.task = value(); break;
      case '--model': p.model = value(); break;
      case '--out': p.out = value(); break;
      case '--provider': p.providers = value(); break;
      case '--shard': p.shard = value(); break;
      case '--tile': p.tile = wholeNumber(flag, value()); break;
      case '--overlap': p.overlap = wholeNumber(flag, value()); break;
      case '--modality': {
        const m = value();
        if (m !== 's2' && m !== 's1' && m !== 'hr') throw new UsageError(`--modality must be s2, s1 or hr (got "${m}")`);
        p.modality = m;
        break;
      }
      case '--bands': {
        const v = value();
        if (!/^\d+(,\d+)*$/.test(v)) throw new UsageError(`--bands expects 1-based band numbers separated by commas (got "${v}")`);
        p.bands = v.split(',').map(Number);
        break;
      }
      case '--input':
        p.inputs.push(value());
        while (i + 1 < args.length && !args[i + 1].startsWith('--')) p.inputs.push(args[++i]);
        break;
      default:
        throw new UsageError(flag.startsWith('-') ? `unknown option ${flag}` : `unexpected argument "${flag}"`);
    }
  }
  if (!p.task) throw new UsageError('--task is required');
  if (!TASKS.includes(p.task)) throw new UsageError(`unknown task "${p.task}" (tasks: ${TASKS.join(', ')})`);
  if (p.task !== 'embed') throw new UsageError(`task ${p.task} is not implemented yet`);
  if (!p.model) throw new UsageError('--model is required');
  if (p.inputs.length === 0) throw new UsageError('--input is required');
  if (!p.out) throw new UsageError('--out is required');
  return p as Parsed;
}

function progressPrinter(): (p: TiledProgress) => void {
  const tty = process.stderr.isTTY === true;
  let lastDecile = -1;
  return (p) => {
    const frac = p.total ? p.done / p.total : 1;
    const eta = p.etaS === null ? '' : ` ETA ${p.etaS.toFixed(0)} s`;
    if (tty) {
      const width = 30;
      const fill = Math.round(frac * width);
      process.stderr.write(`\r[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${(frac * 100).toFixed(0).padStart(3)}% ${p.done}/${p.total} tiles${eta}   `);
      if (p.done >= p.total) process.stderr.write('\n');
      return;
    }
    const decile = Math.floor(frac * 10);
    if (decile > lastDecile) {
      lastDecile = decile;
      process.stderr.write(`embed: ${(frac * 100).toFixed(0)}% (${p.done}/${p.total} tiles, ${p.elapsedS.toFixed(1)} s${eta})\n`);
    }
  };
}

export async function runRun(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let parsed: Parsed;
  try {
    parsed = parse(args);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`skysense run: ${err.message}\n${USAGE}\n`);
    return 2;
  }
  // Ctrl-C / SIGTERM stop the run within one batch; the tiler removes its partial output.
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const { runEmbed } = await import('../tasks/embed.ts');
    const report = await runEmbed({ ...parsed, model: parsed.model, progress: progressPrinter(), signal: controller.signal });
    const o = report.outputs[0];
    process.stdout.write(
      `embed: ${o.width}x${o.height}x${o.bands} features on ${report.provider} in ${(report.timings.total / 1000).toFixed(1)} s (${report.throughputMpxPerS.toFixed(3)} Mpx/s)\n` +
        `wrote ${o.path}\n${o.path}.report.json\n`,
    );
    return 0;
  } catch (err) {
    if (controller.signal.aborted) {
      process.stderr.write('skysense: run cancelled; no output written\n');
      return 130;
    }
    const line = err instanceof ApiError ? err.message : `internal error (${err instanceof Error ? err.message : String(err)})`;
    process.stderr.write(`skysense: ${line.replace(/\s*\n\s*/g, ' ')}\n`);
    return 1;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
