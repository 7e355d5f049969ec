"""Land-cover segmentation of 0.3 m RGB on the three LoveDA tiles (1024 px each).

Split: each tile is cut into four 512 px quadrants, each its own encoder input; the top-left and
bottom-right quadrants of every tile train the probe, the other two are the test (a checkerboard,
because a whole-tile split is dominated by one tile: tile 2 is 87 % forest, a class that covers
4 % of tile 1 and none of tile 0). Label 0 (no data) is ignored; 1..7 are background, building,
road, water, barren, forest, agriculture.
Features: the four Swin stages of the frozen HR encoder, upsampled to stride 4 and stacked. The
probe is trained on TRAIN_PIXELS stride-4 cells per quadrant (label at the cell's centre pixel), then
run as a 1 x 1 convolution; its logits are upsampled bilinearly to full resolution and scored
against every labelled pixel. Metric: mIoU over the classes present in the test tile or predicted
there, pooled over the test quadrants (IoU per class in the JSON).
The ISPRS crops are left out: one crop each, and Vaihingen is IRRG while the HR encoder reads RGB.
"""
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from models.eval.encoder import EvalError
from models.eval.metrics import miou
from models.eval.probe import LinearProbe
from models.pretrain.data.grid import read_array

NAME = 'segmentation'
TITLE = 'LoveDA segmentation (HR RGB)'
METRIC = 'mIoU'
CLASSES = ('background', 'building', 'road', 'water', 'barren', 'forest', 'agriculture')  # label 1..7
TILES = ('0', '1', '2')
QUADRANT = 512
TRAIN_QUADRANTS = ((0, 0), (1, 1))  # (row, column) of the quadrant in its tile
TEST_QUADRANTS = ((0, 1), (1, 0))
TRAIN_PIXELS = 4000
QUICK_TILES = ('1',)


def load_tile(base, name):
    img_path, ann_path = base / 'img_dir' / f'{name}.png', base / 'ann_dir' / f'{name}.png'
    for p in (img_path, ann_path):
        if not p.is_file():
            raise EvalError(f'{p}: missing (LoveDA tile)')
    rgb = read_array(img_path, (1, 2, 3))
    lab = read_array(ann_path)[0]
    if rgb.shape[1:] != lab.shape:
        raise EvalError(f'{ann_path}: {lab.shape} does not match the image {rgb.shape[1:]}')
    if np.nanmax(lab) > len(CLASSES):
        raise EvalError(f'{ann_path}: label {int(np.nanmax(lab))} outside 0..{len(CLASSES)}')
    if lab.shape != (2 * QUADRANT, 2 * QUADRANT):
        raise EvalError(f'{img_path}: {lab.shape[0]} x {lab.shape[1]}, expected {2 * QUADRANT} x {2 * QUADRANT}')
    return rgb.astype(np.uint8), lab.astype(np.int64)


def quadrant(a, rc):
    r, c = rc
    return a[..., r * QUADRANT:(r + 1) * QUADRANT, c * QUADRANT:(c + 1) * QUADRANT]


def prepare(root, seed=0, quick=False):
    base = Path(root) / 'hr' / 'loveda'
    rng = np.random.default_rng(seed)
    train, test = [], []
    for name in QUICK_TILES if quick else TILES:
        rgb, lab = load_tile(base, name)
        for rc in TRAIN_QUADRANTS:
            cells = quadrant(lab, rc)[2::4, 2::4]  # centre pixel of each stride-4 cell
            rows, cols = np.nonzero(cells > 0)
            pick = np.sort(rng.choice(len(rows), size=min(TRAIN_PIXELS, len(rows)), replace=False))
            train.append({'rgb': quadrant(rgb, rc), 'rows': rows[pick], 'cols': cols[pick],
                          'y': cells[rows[pick], cols[pick]] - 1})
        test += [(quadrant(rgb, rc), quadrant(lab, rc)) for rc in TEST_QUADRANTS]
    return {'train': train, 'test': test}


def evaluate(data, enc):
    xs, ys = [], []
    for t in data['train']:
        f = enc.hr_dense(t['rgb'])
        xs.append(f[:, t['rows'], t['cols']].T)
        ys.append(t['y'])
    x, y = np.concatenate(xs), np.concatenate(ys)
    probe = LinearProbe(len(CLASSES)).fit(x, y)
    preds, labs = [], []
    for rgb, lab in data['test']:
        logits = torch.from_numpy(probe.logits_map(enc.hr_dense(rgb)))[None]
        full = F.interpolate(logits, size=lab.shape, mode='bilinear', align_corners=False)[0]
        preds.append(full.argmax(0).numpy() + 1)
        labs.append(lab)
    pred, lab = np.concatenate([p.ravel() for p in preds]), np.concatenate([v.ravel() for v in labs])
    mean, ious = miou(pred, lab, len(CLASSES) + 1, ignore=0, classes=range(1, len(CLASSES) + 1))
    return {'value': mean,
            'extra': {'iou': {CLASSES[c - 1]: round(v, 4) for c, v in ious.items()},
                      'pixel_accuracy': round(float((pred[lab > 0] == lab[lab > 0]).mean()), 4),
                      'train_pixels': int(len(y)), 'feature_dims': int(x.shape[1]), 'probe_iterations': probe.iterations}}
