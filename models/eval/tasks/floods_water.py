"""Water from Sentinel-1 alone on the hand-labelled Sen1Floods11 chip (Spain_7370579, 512 px).

Split: the top half trains the probe, the bottom half is the test (both halves hold water: about
50 k and 20 k labelled water pixels). Each half goes through the encoder as its own image, so no
window sees both. Label -1 (not labelled) is left out of training and scoring.
Metric: F1 of the water class on every labelled test pixel, at the probe threshold that maximises
F1 on the training pixels.
"""
from pathlib import Path

import numpy as np

from models.eval import dense
from models.eval.encoder import EvalError
from models.eval.metrics import binary_counts, f1_from_counts
from models.eval.probe import LinearProbe, best_threshold
from models.pretrain.data.frames import fill_gaps
from models.pretrain.data.grid import read_array

NAME = 'water'
TITLE = 'Sen1Floods11 water (S1 only)'
METRIC = 'F1 water'
CHIP = 'Spain_7370579'
TILE = 32
TRAIN_PIXELS = 20000
QUICK_COLS = 128
QUICK_ROWS = 64


def prepare(root, seed=0, quick=False):
    base = Path(root) / 's1s2' / 'sen1floods11' / 'sample'
    s1_path = base / 'S1' / f'{CHIP}_S1Hand.tif'
    label_path = base / 'Labels' / f'{CHIP}_LabelHand.tif'
    for p in (s1_path, label_path):
        if not p.is_file():
            raise EvalError(f'{p}: missing (Sen1Floods11 chip for the water probe)')
    s1 = read_array(s1_path)
    label = read_array(label_path)[0]
    if s1.shape[0] != 2 or s1.shape[1:] != label.shape:
        raise EvalError(f'{s1_path}: shape {s1.shape} does not pair with {label_path} {label.shape}')
    label = np.where(np.isnan(label), -1, label).astype(np.int16)
    s1, _ = fill_gaps(s1[None])  # a few NaN speckle holes: temporal-then-spatial median, as in pre-training
    s1 = s1[0]
    h, w = label.shape
    mid = h // 2
    r0, r1, c1 = 0, h, w
    if quick:
        r0, r1, c1 = mid - QUICK_ROWS, mid + QUICK_ROWS, QUICK_COLS
    train_lab = label[r0:mid, :c1]
    rows, cols = np.nonzero(train_lab >= 0)
    rng = np.random.default_rng(seed)
    pick = np.sort(rng.choice(len(rows), size=min(TRAIN_PIXELS, len(rows)), replace=False))
    return {
        'train_image': s1[:, r0:mid, :c1], 'test_image': s1[:, mid:r1, :c1],
        'train_rows': rows[pick], 'train_cols': cols[pick], 'train_y': train_lab[rows[pick], cols[pick]].astype(np.int64),
        'test_label': label[mid:r1, :c1],
        'test_window': {'file': str(label_path), 'row': int(mid), 'col': 0, 'height': int(r1 - mid), 'width': int(c1)},
    }


def evaluate(data, enc):
    x = dense.gather(enc.s1_dense(data['train_image'], TILE), data['train_rows'], data['train_cols'])
    probe = LinearProbe(2).fit(x, data['train_y'])
    threshold, train_f1 = best_threshold(probe.proba(x)[:, 1], data['train_y'])
    img = data['test_image']
    prob = dense.score_map(enc.s1_dense(img, TILE), lambda f: probe.proba(f)[:, 1:], img.shape[1], img.shape[2], 1)[0]
    pred = (prob >= threshold).astype(np.uint8)
    counts = binary_counts(pred, data['test_label'], ignore=-1)
    return {'value': f1_from_counts(counts), 'prediction': pred,
            'extra': {'threshold': threshold, 'train_f1': round(train_f1, 4), 'counts': counts,
                      'train_pixels': int(len(data['train_y'])), 'feature_dims': int(x.shape[1]), 'probe_iterations': probe.iterations,
                      'test_window': data['test_window']}}
