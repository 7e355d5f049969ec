"""Frozen-encoder probes: our pre-trained SkySense vs the same architecture at random init.

    /usr/bin/python3 -m models.eval.run --checkpoint RUN/skysense_pretrained.pth [--out DIR]
    /usr/bin/python3 -m models.eval.run --random          (random init and raw input only)
        [--tasks oscd_change,landcover,segmentation,water] [--quick] [--seed 0] [--threads 1]
        [--data ../shared/data] [--predictions DIR] [--no-raw] [--extra-random-seeds 1,2]

Every task trains the same linear probe (models/eval/probe.py: a convex fit, so no optimiser
luck) on the same training pixels (drawn from the labels with --seed) over the frozen features of
each encoder and scores it on held-out data; the raw input through the same probe is the floor.
Prints the table (task, metric, pretrained, random,
delta = pretrained - random, raw input) and writes eval.json and eval.png to --out (default:
<checkpoint folder>/eval, or models/eval/.cache/random-<time> with --random).
--quick runs every task on a small subset (minutes -> seconds; figures not comparable).
--extra-random-seeds adds random inits with other seeds (same training pixels): the range of the
random column over all seeds is the noise a pre-training delta has to clear.
--predictions DIR saves each task's test prediction map when it has one (<task>-<encoder>.npy).
Exit status: 0 done, 2 bad arguments / checkpoint / data.
"""
import argparse
import datetime
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch

from models.eval import report
from models.eval.encoder import EvalError, FrozenSkySense
from models.eval.raw_input import RawInput
from models.eval.tasks import TASKS
from models.reference.configs import CONFIG_NAMES

REPO = Path(__file__).resolve().parents[2]


def parse_args(argv):
    ap = argparse.ArgumentParser(description='frozen-encoder probes: pre-trained vs random SkySense')
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument('--checkpoint', help='skysense_pretrained.pth written by models/pretrain')
    src.add_argument('--random', action='store_true', help='no checkpoint: random init (and raw input) only')
    ap.add_argument('--config', choices=CONFIG_NAMES, help='architecture (default: the checkpoint\'s, else tiny)')
    ap.add_argument('--tasks', default=','.join(TASKS), help=f'comma-separated subset of {",".join(TASKS)}')
    ap.add_argument('--seed', type=int, default=0, help='random-init seed and training-pixel sampling seed')
    ap.add_argument('--threads', type=int, default=1,
                    help='torch threads (1 is fastest on a shared 2-core machine: small ops stall on thread sync)')
    ap.add_argument('--data', default=str(REPO.parent / 'shared' / 'data'), help='the shared real-data folder')
    ap.add_argument('--out', help='folder for eval.json and eval.png')
    ap.add_argument('--quick', action='store_true', help='small subsets (for tests; figures not comparable)')
    ap.add_argument('--predictions', help='folder for the test prediction maps (.npy)')
    ap.add_argument('--no-raw', action='store_true', help='skip the raw-input baseline')
    ap.add_argument('--extra-random-seeds', default='', metavar='S,S',
                    help='more random inits, for the init-noise range of the random column')
    return ap.parse_args(argv)


def check(args):
    tasks = [t for t in args.tasks.split(',') if t]
    unknown = [t for t in tasks if t not in TASKS]
    if unknown or not tasks:
        raise EvalError(f'--tasks: unknown {", ".join(unknown) or "(empty)"}; known: {", ".join(TASKS)}')
    if not os.path.isdir(args.data):
        raise EvalError(f'--data {args.data}: not a folder (expected the shared real-data folder)')
    if args.threads < 1:
        raise EvalError(f'--threads {args.threads}: must be at least 1')
    try:
        extra = sorted({int(v) for v in args.extra_random_seeds.split(',') if v.strip()} - {args.seed})
    except ValueError:
        raise EvalError(f'--extra-random-seeds {args.extra_random_seeds!r}: expected integers like 1,2') from None
    return tasks, extra


def out_dir(args):
    if args.out:
        return Path(args.out)
    if args.checkpoint:
        return Path(args.checkpoint).resolve().parent / 'eval'
    return REPO / 'models' / 'eval' / '.cache' / f'random-{time.strftime("%Y%m%d-%H%M%S")}'


def main(argv=None):
    t_start = time.time()
    args = parse_args(argv)
    try:
        tasks, extra_seeds = check(args)
        torch.set_num_threads(args.threads)
        encoders = []
        if args.checkpoint:
            pre = FrozenSkySense.from_checkpoint(args.checkpoint, args.config)
            if args.config and pre.source['config'] != args.config:
                raise EvalError(f'{args.checkpoint}: holds SkySense-{pre.source["config"]}, --config says {args.config}')
            encoders.append(('pretrained', pre))
        config = encoders[0][1].source['config'] if encoders else (args.config or 'tiny')
        encoders.append(('random', FrozenSkySense.random(config, args.seed)))
        encoders += [(f'random_seed{s}', FrozenSkySense.random(config, s)) for s in extra_seeds]
        if not args.no_raw:
            encoders.append(('raw_input', RawInput()))
        out = out_dir(args)
        out.mkdir(parents=True, exist_ok=True)
        if args.predictions:
            os.makedirs(args.predictions, exist_ok=True)
        prepared = {}
        for name in tasks:  # every data file is read and checked before any encoder runs
            t0 = time.time()
            prepared[name] = (TASKS[name].prepare(args.data, args.seed, args.quick), time.time() - t0)
    except (EvalError, OSError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 2

    rows = []
    for name in tasks:
        task = TASKS[name]
        data, prep_s = prepared[name]
        row = {'task': name, 'title': task.TITLE, 'metric': task.METRIC, 'pretrained': None, 'random': None,
               'delta': None, 'raw_input': None, 'details': {}, 'seconds': {'prepare': round(prep_s, 1)}}
        for label, enc in encoders:
            t0 = time.time()
            res = task.evaluate(data, enc)
            row[label] = round(float(res['value']), 4)
            row['details'][label] = res['extra']
            row['seconds'][label] = round(time.time() - t0, 1)
            if args.predictions and res.get('prediction') is not None:
                np.save(os.path.join(args.predictions, f'{name}-{label}.npy'), res['prediction'])
            print(f'{name:<14} {label:<13} {task.METRIC} {row[label]:.4f}  ({row["seconds"][label]} s)', flush=True)
        if row['pretrained'] is not None:
            row['delta'] = round(row['pretrained'] - row['random'], 4)
        if extra_seeds:
            values = [row['random']] + [row.pop(f'random_seed{s}') for s in extra_seeds]
            row['random_seeds'] = dict(zip([args.seed] + extra_seeds, values))
            row['random_range'] = [min(values), max(values)]
        rows.append(row)
        del prepared[name]

    result = {
        'created': datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'),
        'encoders': {label: enc.source for label, enc in encoders},
        'config': config, 'seed': args.seed, 'threads': args.threads, 'quick': args.quick,
        'data': os.path.abspath(args.data),
        'probe': 'linear on standardised features, class-balanced cross-entropy + L2, full-batch L-BFGS from zero '
                 '(models/eval/probe.py)',
        'tasks': rows,
        'seconds_total': round(time.time() - t_start, 1),
    }
    print()
    print(report.table(rows))
    print(f'\ntotal {result["seconds_total"]} s')
    report.write_json(result, str(out / 'eval.json'))
    what = f'checkpoint {Path(args.checkpoint).name}' if args.checkpoint else 'no checkpoint'
    report.write_chart(rows, str(out / 'eval.png'),
                       f'SkySense-{config} frozen-encoder probes ({what}; seed {args.seed}'
                       + ('; QUICK subset' if args.quick else '') + ')')
    print(f'wrote {out / "eval.json"} and {out / "eval.png"}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
