"""Bi-temporal change detection on OSCD (Sentinel-2 L1C, two dates per city).

Split: the probe trains on five labelled cities and is scored on three others (TRAIN / TEST):
no test city contributes a pixel to training. Labels: cm/<city>-cm.tif, 1 no change, 2 change,
pixel-aligned with B02 of date 1 (the grid every band of both dates is read onto).
Features per pixel: [f1, f2, |f1 - f2|] from the frozen S2 encoder + UPHead of each date.
Training pixels: up to CHANGE_PIXELS change and NO_CHANGE_PIXELS no-change pixels drawn from the
labels alone (the same pixels for every encoder). Change is 1-4 % of a city, so the threshold on
P(change) is the one that maximises F1 on those pixels re-weighted to the cities' true class mix.
Metric: F1 of the change class over every pixel of the test cities (counts pooled).
"""
from pathlib import Path

import numpy as np

from models.eval import dense
from models.eval.encoder import EvalError
from models.eval.metrics import binary_counts, f1_from_counts
from models.eval.probe import LinearProbe, best_threshold
from models.pretrain.data.grid import read_array
from models.pretrain.data.sources.oscd import city_sample

NAME = 'oscd_change'
TITLE = 'OSCD change (S2, 2 dates)'
METRIC = 'F1 change'
TRAIN = ('aguasclaras', 'hongkong', 'mumbai', 'pisa', 'saclay_e')
TEST = ('bercy', 'bordeaux', 'rennes')
QUICK_TRAIN = ('aguasclaras',)
QUICK_TEST = ('bercy',)
TILE = 32
CHANGE_PIXELS = 15000
NO_CHANGE_PIXELS = 30000


def load_city(base, city):
    city_dir = Path(base) / city
    label_path = city_dir / 'cm' / f'{city}-cm.tif'
    if not label_path.is_file():
        raise EvalError(f'{label_path}: missing (OSCD change label)')
    s2 = city_sample(city_dir).s2  # (2, 10, H, W) on the date-1 B02 grid
    raw = read_array(label_path)[0]
    if raw.shape != s2.shape[2:]:
        raise EvalError(f'{label_path}: {raw.shape} does not match the B02 grid {s2.shape[2:]}')
    values = set(np.unique(raw[~np.isnan(raw)]).astype(int).tolist())
    if not values <= {1, 2}:
        raise EvalError(f'{label_path}: values {sorted(values)}, expected 1 (no change) and 2 (change)')
    return s2, (raw == 2).astype(np.int64)


def prepare(root, seed=0, quick=False):
    base = Path(root) / 'oscd'
    train = {c: load_city(base, c) for c in (QUICK_TRAIN if quick else TRAIN)}
    test = {c: load_city(base, c) for c in (QUICK_TEST if quick else TEST)}
    rng = np.random.default_rng(seed)
    picks, totals = {}, np.zeros(2)
    all_pix = {c: [np.flatnonzero(lab.reshape(-1) == k) for k in (0, 1)] for c, (_, lab) in train.items()}
    for k in (0, 1):
        totals[k] = sum(len(v[k]) for v in all_pix.values())
    want = (NO_CHANGE_PIXELS, CHANGE_PIXELS)
    for c, per_class in all_pix.items():
        chosen = []
        for k in (0, 1):
            n = int(round(want[k] * len(per_class[k]) / totals[k])) if totals[k] else 0
            chosen.append(rng.choice(per_class[k], size=min(n, len(per_class[k])), replace=False))
        picks[c] = np.sort(np.concatenate(chosen))
    sampled = np.array([sum(int((train[c][1].reshape(-1)[p] == k).sum()) for c, p in picks.items()) for k in (0, 1)])
    return {'train': train, 'test': test, 'picks': picks,
            'class_weight': (totals / np.maximum(sampled, 1)).tolist()}


def _pair(enc, s2, origins=None):
    """Windows of [f1, f2, |f1 - f2|] for both dates of one city."""
    for (y, x, a), (_, _, b) in zip(enc.s2_dense(s2[0], TILE, origins), enc.s2_dense(s2[1], TILE, origins)):
        yield y, x, np.concatenate([a, b, np.abs(a - b)])


def evaluate(data, enc):
    xs, ys = [], []
    for c, (s2, lab) in data['train'].items():
        idx = data['picks'][c]
        rows, cols = np.unravel_index(idx, lab.shape)
        # only windows that hold a sampled pixel are computed
        origins = sorted({(int(r) // TILE * TILE, int(q) // TILE * TILE) for r, q in zip(rows, cols)})
        xs.append(dense.gather(_pair(enc, s2, origins), rows, cols))
        ys.append(lab[rows, cols])
    x, y = np.concatenate(xs), np.concatenate(ys)
    probe = LinearProbe(2).fit(x, y)
    w = np.where(y == 1, data['class_weight'][1], data['class_weight'][0])
    threshold, train_f1 = best_threshold(probe.proba(x)[:, 1], y, w)
    counts, per_city = {'tp': 0, 'fp': 0, 'fn': 0, 'tn': 0}, {}
    for c, (s2, lab) in data['test'].items():
        prob = dense.score_map(_pair(enc, s2), lambda f: probe.proba(f)[:, 1:], lab.shape[0], lab.shape[1], 1)[0]
        cc = binary_counts((prob >= threshold).astype(np.int64), lab)
        per_city[c] = round(f1_from_counts(cc), 4)
        for k in counts:
            counts[k] += cc[k]
    return {'value': f1_from_counts(counts),
            'extra': {'threshold': threshold, 'train_f1_weighted': round(train_f1, 4), 'counts': counts,
                      'f1_per_city': per_city, 'train_cities': list(data['train']), 'test_cities': list(data['test']),
                      'train_pixels': int(len(y)), 'feature_dims': int(x.shape[1]), 'probe_iterations': probe.iterations}}
