/**
 * How `skysense run` shows progress (`--progress`): a bar with ETA on a terminal
 * (cli-progress), a plain line per ~10 % when piped, `json` one object per line on stderr
 * for programs that drive the CLI (stage, done, total, elapsed and ETA in seconds; at most ten
 * a second, the last of each stage always), or `none`. stdout stays the run's result.
 */
import cliProgress from 'cli-progress';
import type { TiledProgress } from '../tiler/index.ts';

export const PROGRESS_MODES = ['bar', 'plain', 'json', 'none'] as const;
export type ProgressMode = (typeof PROGRESS_MODES)[number];

const JSON_EVERY_MS = 100;

/** The default: a bar on a terminal, plain lines otherwise. */
export function defaultProgressMode(stream: NodeJS.WriteStream = process.stderr): ProgressMode {
  return stream.isTTY === true ? 'bar' : 'plain';
}

export interface ProgressOutput {
  update(p: TiledProgress): void;
  /** Ends the bar (if any) so that what is printed next starts on its own line. */
  stop(): void;
}

function barOutput(task: string, stream: NodeJS.WriteStream): ProgressOutput {
  const bar = new cliProgress.SingleBar(
    { stream, format: '{label} [{bar}] {percentage}% {value}/{total} tiles{eta_text}', barsize: 30, hideCursor: false, clearOnComplete: false, etaBuffer: 20 },
    cliProgress.Presets.legacy,
  );
  let stage: string | undefined | null = null;
  return {
    update(p) {
      const label = p.stage ? `${task} (${p.stage})` : task;
      const eta_text = p.etaS === null ? '' : ` ETA ${p.etaS.toFixed(0)} s`;
      if (p.stage !== stage) {
        if (stage !== null) bar.stop();
        stage = p.stage;
        bar.start(p.total, p.done, { label, eta_text });
      } else bar.update(p.done, { label, eta_text });
    },
    stop: () => {
      if (stage !== null) bar.stop();
      stage = null;
    },
  };
}

function plainOutput(task: string, stream: NodeJS.WriteStream): ProgressOutput {
  let lastDecile = -1;
  let stage: string | undefined;
  return {
    update(p) {
      if (p.stage !== stage) {
        stage = p.stage;
        lastDecile = -1;
      }
      const frac = p.total ? p.done / p.total : 1;
      const decile = Math.floor(frac * 10);
      if (decile <= lastDecile) return;
      lastDecile = decile;
      const eta = p.etaS === null ? '' : ` ETA ${p.etaS.toFixed(0)} s`;
      stream.write(`${p.stage ? `${task} (${p.stage})` : task}: ${(frac * 100).toFixed(0)}% (${p.done}/${p.total} tiles, ${p.elapsedS.toFixed(1)} s${eta})\n`);
    },
    stop: () => undefined,
  };
}

function jsonOutput(task: string, stream: NodeJS.WriteStream): ProgressOutput {
  let last = 0;
  return {
    update(p) {
      const now = Date.now();
      if (p.done < p.total && now - last < JSON_EVERY_MS) return;
      last = now;
      const line = { task, stage: p.stage ?? null, done: p.done, total: p.total, elapsed: Number(p.elapsedS.toFixed(3)), eta: p.etaS === null ? null : Number(p.etaS.toFixed(1)) };
      stream.write(`${JSON.stringify(line)}\n`);
    },
    stop: () => undefined,
  };
}

export function progressOutput(mode: ProgressMode, task: string, stream: NodeJS.WriteStream = process.stderr): ProgressOutput {
  if (mode === 'bar') return barOutput(task, stream);
  if (mode === 'plain') return plainOutput(task, stream);
  if (mode === 'json') return jsonOutput(task, stream);
  return { update: () => undefined, stop: () => undefined };
}
