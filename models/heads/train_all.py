"""Train and export the stock heads of a SkySense model folder on real labelled data.

    /usr/bin/python3 -m models.heads.train_all --model models/skysense-tiny \
        --checkpoint models/pretrain/.cache/runs/tiny-55min/skysense_pretrained.pth \
        --out models/skysense-tiny/heads [--heads s1-water,oscd-change] [--seed 0] [--quick]

The encoder stays frozen: its taps are computed with the checkpoint the model folder's ONNX files
were converted from (sha256 checked against the manifest's provenance, and the taps of one real
batch compared with the ONNX files in onnxruntime-node), on the engine's tiles and normalisation.
Every head folder is written whole (temporary name, then rename). One thread by default: on the
shared 2-core machine small torch ops are faster single-threaded, and it leaves a core to others.
A per-head summary is printed and written to --report (default models/heads/.cache/last-run.json).
"""
import os

os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')  # before torch starts its thread pool

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import torch  # noqa: E402

from .encoder_taps import EncoderTaps  # noqa: E402
from .errors import HeadError  # noqa: E402
from .export import export_head  # noqa: E402
from .tasks import TASKS  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
DEFAULT_MODEL = 'models/skysense-tiny'
DEFAULT_CHECKPOINT = 'models/pretrain/.cache/runs/tiny-55min/skysense_pretrained.pth'


def parse(argv):
    p = argparse.ArgumentParser(prog='python3 -m models.heads.train_all', description=__doc__.split('\n\n')[0])
    p.add_argument('--model', default=DEFAULT_MODEL, help='encoder model folder (manifest.json + ONNX)')
    p.add_argument('--checkpoint', default=DEFAULT_CHECKPOINT, help='the checkpoint its ONNX files came from')
    p.add_argument('--out', default=None, help='where head folders go (default: MODEL/heads)')
    p.add_argument('--data', default=str(REPO.parent / 'shared' / 'data'), help='the shared labelled data (../shared/data)')
    p.add_argument('--heads', default=','.join(TASKS), help=f'comma list of heads (default all: {",".join(TASKS)})')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--quick', action='store_true', help='tiny subsets: a smoke run, metrics not meaningful')
    p.add_argument('--allow-checkpoint-mismatch', action='store_true',
                   help='train although the checkpoint sha256 is not the one the model manifest records (parity is still checked)')
    p.add_argument('--report', default=str(REPO / 'models' / 'heads' / '.cache' / 'last-run.json'))
    return p.parse_args(argv)


def _abs(p):
    p = Path(p)
    return p if p.is_absolute() else Path.cwd() / p


def main(argv=None):
    a = parse(argv)
    t0 = time.time()
    torch.set_num_threads(max(1, a.threads))
    names = [n.strip() for n in a.heads.split(',') if n.strip()]
    unknown = [n for n in names if n not in TASKS]
    if unknown or not names:
        print(f'error: --heads {a.heads}: unknown {", ".join(unknown) or "(empty)"}; known: {", ".join(TASKS)}', file=sys.stderr)
        return 2
    data = _abs(a.data)
    if not data.is_dir():
        print(f'error: --data {data}: no such folder (the shared labelled data)', file=sys.stderr)
        return 2
    out = _abs(a.out) if a.out else _abs(a.model) / 'heads'
    try:
        enc = EncoderTaps.open(_abs(a.model), _abs(a.checkpoint), allow_mismatch=a.allow_checkpoint_mismatch)
    except HeadError as e:
        print(f'error: {e}', file=sys.stderr)
        return 2
    summary = {'model': str(_abs(a.model)), 'encoder': enc.name, 'checkpoint': enc.checkpoint,
               'checkpointSha256': enc.checkpoint_sha256, 'seed': a.seed, 'threads': a.threads, 'quick': a.quick,
               'heads': {}}
    failed = False
    for name in names:
        t = time.time()
        try:
            build = TASKS[name].build(enc, data, seed=a.seed, quick=a.quick)
            t_train = time.time() - t
            res = export_head(build, enc, out)
        except HeadError as e:
            print(f'{name}: FAILED: {e}', file=sys.stderr)
            summary['heads'][name] = {'error': str(e)}
            failed = True
            continue
        m = res['manifest']
        summary['heads'][name] = {'folder': res['folder'], 'bytes': res['bytes'], 'onnxMaxDiff': res['onnxMaxDiff'],
                                  'metrics': m['training']['metrics'], 'samples': m['training']['samples'],
                                  'threshold': m.get('threshold'), 'seconds': round(time.time() - t, 1),
                                  'trainSeconds': round(t_train, 1), 'details': build.report}
        metrics = ', '.join(f'{k} {v}' for k, v in m['training']['metrics'].items() if not k.startswith('iou_'))
        print(f'{name}: {metrics} | {res["bytes"]} bytes | onnx diff {res["onnxMaxDiff"]:.1e} | {time.time() - t:.0f} s', flush=True)
    summary['parity'] = getattr(enc, '_parity', {})
    summary['seconds'] = round(time.time() - t0, 1)
    report = _abs(a.report)
    report.parent.mkdir(parents=True, exist_ok=True)
    tmp = report.with_name(report.name + f'.tmp-{os.getpid()}')
    tmp.write_text(json.dumps(summary, indent=2, default=str) + '\n')
    os.replace(tmp, report)
    print(f'total {summary["seconds"]} s; report {report}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
