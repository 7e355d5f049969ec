"""SkySense pre-training: EMA teacher-student, multi-granularity contrastive learning (pixel,
object, image; per modality and fused), cross-modal alignment, geo-context prototypes, on the
real imagery in ../shared/data. One script for a 2-core CPU and for a CUDA GPU.

    /usr/bin/python3 -m models.pretrain.train --budget-minutes 90                 # CPU, tiny
    /usr/bin/python3 -m models.pretrain.train --device cuda --batch-scale 8 --symmetric --budget-minutes 60

Training stops on wall-clock time (the whole run, data building and ONNX export included, fits
--budget-minutes); learning-rate and EMA schedules follow the fraction of the training time
spent, so a longer budget stretches the same schedule. Seeds are fixed; the number of steps
still depends on machine speed. Outputs in --out:
  curves.csv, curves.png     loss per step (and per term), plotted
  state.pt                   resumable training state (--resume)
  skysense_pretrained.pth    teacher weights in the official full-checkpoint layout
  model/                     ONNX model folder made by models/convert.py (unless --no-export)
  summary.json               sample counts, steps, samples/s, final losses, timings
"""
import argparse
import json
import math
import os
import random
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from models.pretrain import curves  # noqa: E402
from models.pretrain.checkpoint import load_training_state, save_training_state, save_weights  # noqa: E402
from models.pretrain.data.builder import DEFAULT_DATA, build, counts, format_counts  # noqa: E402
from models.pretrain.data.stream import BatchStream, batches  # noqa: E402
from models.pretrain.data.views import GROUPS, ViewConfig  # noqa: E402
from models.pretrain.ema import EMATeacher, momentum_at  # noqa: E402
from models.pretrain.model import PretrainModel  # noqa: E402
from models.pretrain.objective import LossConfig, batch_losses  # noqa: E402
from models.pretrain.collapse import CollapseGuard  # noqa: E402

# samples per batch on a 2-core CPU; --batch-scale multiplies them (co-located groups are capped
# by how many co-located samples exist)
BASE_BATCH = {'hr': 8, 's2': 16, 's1': 16, 's2s1': 16, 'hr_s2': 4, 'hr_s2_s1': 3}
GROUP_WEIGHTS = {'hr': 0.25, 's2': 0.2, 's1': 0.1, 's2s1': 0.25, 'hr_s2': 0.1, 'hr_s2_s1': 0.1}


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--config', default='tiny', help="models.reference config name ('tiny', 'official')")
    ap.add_argument('--budget-minutes', type=float, default=90.0, help='wall-clock budget of the whole run')
    ap.add_argument('--export-reserve-minutes', type=float, default=None,
                    help='part of the budget kept for saving and ONNX export (default min(5, 35%% of budget))')
    ap.add_argument('--device', default='cpu')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--batch-scale', type=float, default=1.0)
    ap.add_argument('--lr', type=float, default=5e-4)
    ap.add_argument('--weight-decay', type=float, default=0.04)
    ap.add_argument('--warmup-frac', type=float, default=0.05)
    ap.add_argument('--ema-base', type=float, default=0.99)
    ap.add_argument('--grad-clip', type=float, default=3.0)
    ap.add_argument('--collapse-action', default='lower-lr', choices=['lower-lr', 'stop', 'off'],
                    help='when a group\'s teacher std stays under --collapse-std (see collapse.py)')
    ap.add_argument('--collapse-std', type=float, default=0.005)
    ap.add_argument('--collapse-window', type=int, default=10, help='steps of one group judged together')
    ap.add_argument('--symmetric', action='store_true', help='both view directions per batch (2x compute)')
    ap.add_argument('--max-frames', type=int, default=4)
    ap.add_argument('--max-pixels', type=int, default=512, help='sampled locations per pixel-level InfoNCE')
    ap.add_argument('--workers', type=int, default=0, help='DataLoader processes making batches (GPU: 4-8)')
    ap.add_argument('--group-weights', help='e.g. hr=0.25,s2=0.2,s1=0.1,s2s1=0.25,hr_s2=0.1,hr_s2_s1=0.1')
    ap.add_argument('--data', default=str(DEFAULT_DATA))
    ap.add_argument('--exclude-sources', default='',
                    help='comma-separated source names or prefixes to leave out, e.g. hr/dota,hr/loveda '
                         '(licence-restricted imagery)')
    ap.add_argument('--out', help='run folder (default models/pretrain/.cache/runs/<config>-<time>)')
    ap.add_argument('--checkpoint-minutes', type=float, default=15.0)
    ap.add_argument('--resume', help='state.pt of an earlier run to continue (same --out recommended)')
    ap.add_argument('--max-steps', type=int, default=0, help='stop after this many steps too (0: time only)')
    ap.add_argument('--no-export', action='store_true')
    ap.add_argument('--log-every', type=int, default=10)
    a = ap.parse_args(argv)
    if a.budget_minutes <= 0:
        ap.error('--budget-minutes must be positive')
    if a.export_reserve_minutes is None:
        a.export_reserve_minutes = min(5.0, 0.35 * a.budget_minutes)
    if a.export_reserve_minutes >= a.budget_minutes:
        ap.error('--export-reserve-minutes must be below --budget-minutes')
    return a


def parse_weights(text):
    w = dict(GROUP_WEIGHTS)
    if text:
        for part in text.split(','):
            k, _, v = part.partition('=')
            if k not in GROUPS:
                raise SystemExit(f'--group-weights: unknown group {k!r}; known: {", ".join(GROUPS)}')
            w[k] = float(v)
    return w


def lr_at(progress, base, warmup):
    if progress < warmup:
        return base * max(progress / warmup, 0.01)
    p = (progress - warmup) / max(1.0 - warmup, 1e-9)
    return base * (0.01 + 0.99 * 0.5 * (1 + math.cos(math.pi * min(p, 1.0))))


def mean_terms(rows):
    """Mean of every logged loss column over `rows` (a term absent from a row is skipped)."""
    out = {}
    for k in ('total',) + curves.TERMS:
        vals = [float(r[k]) for r in rows if r.get(k) not in ('', None)]
        if vals:
            out[k] = round(sum(vals) / len(vals), 4)
    return out


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)


def to_device(view, device):
    return {k: (v.to(device, non_blocking=True) if torch.is_tensor(v) and k != 'dihedral' else v)
            for k, v in view.items()}


def export_onnx(weights, out_dir, config, timeout_s):
    cmd = [sys.executable, str(REPO / 'models' / 'convert.py'), '--checkpoint', str(weights), '--config', config,
           '--out', str(out_dir), '--force', '--name', f'skysense-{config}-pretrained-here',
           '--title', f'SkySense-{config.capitalize()} (pre-trained here: MGCL + CMA + GCP on real imagery)']
    t0 = time.time()
    try:
        r = subprocess.run(cmd, cwd=str(REPO), capture_output=True, text=True, timeout=max(timeout_s, 60))
    except subprocess.TimeoutExpired:
        return {'ok': False, 'seconds': round(time.time() - t0, 1), 'error': f'timed out after {timeout_s:.0f} s'}
    res = {'ok': r.returncode == 0, 'returncode': r.returncode, 'seconds': round(time.time() - t0, 1),
           'command': ' '.join(cmd)}
    if r.returncode != 0:
        res['error'] = (r.stderr or r.stdout)[-2000:]
    else:
        res['log'] = r.stdout[-2000:]
    return res


def main(argv=None):
    t_start = time.time()
    a = parse_args(argv)
    budget_s = a.budget_minutes * 60
    train_budget_s = budget_s - a.export_reserve_minutes * 60
    device = torch.device(a.device)
    if device.type == 'cuda' and not torch.cuda.is_available():
        raise SystemExit('--device cuda: no CUDA device visible to this PyTorch')
    torch.set_num_threads(a.threads)
    seed_everything(a.seed)
    out = Path(a.out or REPO / 'models' / 'pretrain' / '.cache' / 'runs' / f'{a.config}-{time.strftime("%Y%m%d-%H%M%S")}')
    out.mkdir(parents=True, exist_ok=True)
    weights = parse_weights(a.group_weights)

    tiles = build(a.data, log=lambda m: print(m, flush=True))
    excluded = [e for e in a.exclude_sources.split(',') if e]
    if excluded:
        tiles = [t for t in tiles if not any(t.source == e or t.source.startswith(e.rstrip('/') + '/') for e in excluded)]
        print(f'left out sources {excluded}', flush=True)
    table = counts(tiles)
    print(format_counts(table), flush=True)
    batch = {g: max(1, int(round(BASE_BATCH[g] * a.batch_scale))) for g in GROUPS}

    student = PretrainModel(a.config).to(device)
    teacher = EMATeacher(student)
    params = [p for p in student.parameters() if p.requires_grad]
    decay = [p for p in params if p.ndim > 1]
    no_decay = [p for p in params if p.ndim <= 1]
    opt = torch.optim.AdamW([{'params': decay, 'weight_decay': a.weight_decay},
                             {'params': no_decay, 'weight_decay': 0.0}], lr=a.lr, betas=(0.9, 0.999))
    progress = {'step': 0, 'train_seconds': 0.0, 'samples': {g: 0 for g in GROUPS}}
    if a.resume:
        progress = load_training_state(a.resume, student, teacher.model, opt, device)
        print(f'resumed from {a.resume} at step {progress["step"]}', flush=True)
    gen = torch.Generator().manual_seed(a.seed + progress['step'])
    stream = BatchStream(tiles, weights, batch, ViewConfig(max_frames=a.max_frames), a.seed, progress['step'])
    source = batches(stream, a.workers)
    loss_cfg = LossConfig(max_pixels=a.max_pixels)
    log = curves.CurveLog(out / 'curves.csv', append=bool(a.resume))
    print(f'device {device}, threads {a.threads}, workers {a.workers}, groups '
          f'{dict(zip(stream.groups, np.round(stream.p, 3)))}, batches {batch}, '
          f'training budget {train_budget_s / 60:.1f} min', flush=True)

    guard = CollapseGuard(a.collapse_std, a.collapse_window, a.collapse_action)
    last_ckpt = time.time()
    seen_step_times = []
    train_t0 = time.time() - progress['train_seconds']
    student.train()
    while True:
        train_s = time.time() - train_t0
        frac = train_s / train_budget_s
        if frac >= 1.0 or time.time() - t_start >= train_budget_s or (a.max_steps and progress['step'] >= a.max_steps):
            break
        if guard.stopped:
            print(f'stopped by the collapse guard at step {progress["step"]}', flush=True)
            break
        t0, c0 = time.time(), time.process_time()
        view_a, view_b, meta = next(source)
        group = meta['group']
        view_a, view_b = to_device(view_a, device), to_device(view_b, device)
        meta = {**meta, 'lat': meta['lat'].to(device), 'lon': meta['lon'].to(device)}
        lr = lr_at(frac, a.lr, a.warmup_frac) * guard.scale
        for g in opt.param_groups:
            g['lr'] = lr
        total, terms, health = batch_losses(student, teacher.model, view_a, view_b, meta, loss_cfg, a.symmetric, gen)
        if not torch.isfinite(total):
            raise FloatingPointError(f'step {progress["step"]}: loss is {float(total)} ({terms})')
        opt.zero_grad(set_to_none=True)
        total.backward()
        torch.nn.utils.clip_grad_norm_(params, a.grad_clip)
        opt.step()
        m = momentum_at(frac, a.ema_base)
        teacher.update(student, m)
        event = guard.observe(progress['step'] + 1, group, health['teacher_std'])
        if event:
            print(f'collapse guard: {event}', flush=True)
        dt, cpu = time.time() - t0, time.process_time() - c0
        n = len(meta['ids'])
        progress['step'] += 1
        progress['samples'][group] += n
        seen_step_times.append((group, n, dt, cpu))
        log.write({'step': progress['step'], 'elapsed_s': round(time.time() - t_start, 2), 'group': group, 'batch': n,
                   'samples_per_s': round(n / dt, 3), 'lr': f'{lr:.3e}', 'ema_momentum': f'{m:.5f}',
                   'total': f'{float(total):.5f}', 'teacher_std': f'{health["teacher_std"]:.5f}',
                   **{k: f'{v:.5f}' for k, v in terms.items()}})
        if progress['step'] % a.log_every == 0 or progress['step'] == 1:
            print(f'step {progress["step"]:5d} {time.time() - t_start:7.1f}s {group:<9} loss {float(total):7.3f} '
                  f'{n / dt:6.2f} samples/s lr {lr:.2e} ema {m:.4f} std {health["teacher_std"]:.3f}', flush=True)
        if time.time() - last_ckpt >= a.checkpoint_minutes * 60:
            progress['train_seconds'] = time.time() - train_t0
            save_training_state(out / 'state.pt', student, teacher.model, opt, progress)
            last_ckpt = time.time()
    progress['train_seconds'] = time.time() - train_t0
    log.close()
    del source  # stops DataLoader workers before the export starts
    if progress['step'] == 0:
        raise SystemExit('no training step fitted in the budget; raise --budget-minutes')

    save_training_state(out / 'state.pt', student, teacher.model, opt, progress)
    run_meta = {'config': a.config, 'steps': progress['step'], 'seed': a.seed,
                'recipe': 'EMA teacher-student; MGCL pixel/object/image per modality and fused; CMA; GCP'}
    save_weights(out / 'skysense_pretrained.pth', teacher.model, run_meta)
    curves.plot(str(out / 'curves.csv'), str(out / 'curves.png'))

    rows = curves.read(out / 'curves.csv')
    k10 = max(1, len(rows) // 10)
    first, final = mean_terms(rows[:k10]), mean_terms(rows[-k10:])
    per_group = {}
    for g in GROUPS:
        ts = [(n, dt, c) for gg, n, dt, c in seen_step_times if gg == g]
        if ts:
            per_group[g] = {'steps': len(ts), 'samples': sum(t[0] for t in ts),
                            'samples_per_s': round(sum(t[0] for t in ts) / sum(t[1] for t in ts), 3),
                            'cpu_s_per_sample': round(sum(t[2] for t in ts) / sum(t[0] for t in ts), 3)}
    step_time = sum(t[2] for t in seen_step_times)
    step_cpu = sum(t[3] for t in seen_step_times)
    n_seen = sum(t[1] for t in seen_step_times)
    summary = {
        'collapse_guard': {'action': a.collapse_action, 'min_std': a.collapse_std, 'window': a.collapse_window,
                           'events': guard.events, 'final_lr_scale': guard.scale},
        'config': a.config, 'device': str(device), 'threads': a.threads, 'seed': a.seed,
        'budget_minutes': a.budget_minutes, 'steps': progress['step'],
        'train_minutes': round(progress['train_seconds'] / 60, 2),
        'samples_seen': progress['samples'],
        'samples_per_s': round(n_seen / max(step_time, 1e-9), 3),
        # CPU seconds the steps used: on a shared machine, samples_per_s depends on the other
        # jobs; n_seen / (cpu / threads) is what an idle machine would give (upper bound)
        'step_cpu_seconds': round(step_cpu, 1), 'step_wall_seconds': round(step_time, 1),
        'idle_estimate_samples_per_s': round(n_seen / max(step_cpu / max(a.threads, 1), 1e-9), 3),
        'per_group': per_group, 'loss_first_10pct': first, 'loss_last_10pct': final,
        'sample_counts': table, 'excluded_sources': excluded, 'outputs': {'curves_csv': str(out / 'curves.csv'), 'curves_png': str(out / 'curves.png'),
                                            'weights': str(out / 'skysense_pretrained.pth'), 'state': str(out / 'state.pt')},
    }
    if not a.no_export:
        remaining = budget_s - (time.time() - t_start)
        summary['export'] = export_onnx(out / 'skysense_pretrained.pth', out / 'model', a.config, remaining)
        print(('export ok: ' + str(out / 'model')) if summary['export']['ok'] else
              f'export FAILED: {summary["export"].get("error", "")}', flush=True)
    summary['wall_minutes'] = round((time.time() - t_start) / 60, 2)
    tmp = out / 'summary.json.tmp'
    tmp.write_text(json.dumps(summary, indent=2))
    os.replace(tmp, out / 'summary.json')
    print(json.dumps({k: summary[k] for k in ('steps', 'train_minutes', 'samples_per_s', 'idle_estimate_samples_per_s',
                                              'loss_first_10pct',
                                              'loss_last_10pct', 'wall_minutes')}, indent=1), flush=True)
    return 0 if a.no_export or summary['export']['ok'] else 1


if __name__ == '__main__':
    sys.exit(main())
