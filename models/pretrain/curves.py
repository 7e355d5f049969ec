"""Loss curves of a run: one CSV row per step (written as training goes) and a PNG plot."""
import csv
import math
import os

TERMS = tuple(f'{kind}/{level}' for kind in ('pixel', 'object', 'image') for level in ('hr', 's2', 's1', 'fused')) + \
    ('cross_modal', 'geo')
COLUMNS = ('step', 'elapsed_s', 'group', 'batch', 'samples_per_s', 'lr', 'ema_momentum', 'total', 'teacher_std') + TERMS


class CurveLog:
    def __init__(self, path, append=False):
        self.path = path
        new = not (append and os.path.isfile(path))
        self.fh = open(path, 'a' if not new else 'w', newline='')
        self.writer = csv.DictWriter(self.fh, fieldnames=COLUMNS)
        if new:
            self.writer.writeheader()

    def write(self, row):
        self.writer.writerow({k: row.get(k, '') for k in COLUMNS})
        self.fh.flush()

    def close(self):
        self.fh.close()


def read(path):
    with open(path, newline='') as f:
        return list(csv.DictReader(f))


def _smooth(values, k):
    out, acc = [], []
    for v in values:
        acc.append(v)
        if len(acc) > k:
            acc.pop(0)
        out.append(sum(acc) / len(acc))
    return out


def plot(csv_path, png_path, smooth=20):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    rows = read(csv_path)
    if not rows:
        raise ValueError(f'{csv_path}: no rows to plot')
    fig, axes = plt.subplots(1, 3, figsize=(17, 4.8))
    groups = sorted({r['group'] for r in rows})
    for g in groups:
        rs = [r for r in rows if r['group'] == g]
        axes[0].plot([int(r['step']) for r in rs], _smooth([float(r['total']) for r in rs], smooth), label=g)
    axes[0].set_title(f'total loss per batch group (moving mean of {smooth})')
    axes[0].set_xlabel('step')
    axes[0].legend(fontsize=8)
    for kind in ('pixel', 'object', 'image', 'cross_modal', 'geo'):
        cols = [t for t in TERMS if t.split('/')[0] == kind]
        xs, ys = [], []
        for r in rows:
            vals = [float(r[c]) for c in cols if r.get(c) not in ('', None)]
            if vals:
                xs.append(int(r['step']))
                ys.append(sum(vals) / len(vals))
        if xs:
            axes[1].plot(xs, _smooth(ys, smooth), label=kind)
    axes[1].set_title('loss terms (mean over levels present)')
    axes[1].set_xlabel('step')
    axes[1].legend(fontsize=8)
    std = [(int(r['step']), float(r['teacher_std'])) for r in rows if r['teacher_std'] not in ('', 'nan')
           and not math.isnan(float(r['teacher_std']))]
    if std:
        axes[2].plot([s for s, _ in std], _smooth([v for _, v in std], smooth))
    axes[2].set_title('teacher pooled-feature std (collapse -> 0)')
    axes[2].set_xlabel('step')
    fig.tight_layout()
    tmp = png_path + '.tmp.png'
    fig.savefig(tmp, dpi=90)
    plt.close(fig)
    os.replace(tmp, png_path)
