"""s1-water: surface water from Sentinel-1 VV/VH (dB), a binary sigmoid head on s1_encoder feat_l3.

Data: the one hand-labelled Sen1Floods11 chip here (Spain_7370579, 512 x 512 px, 10 m). Split as
in models/eval/tasks/floods_water.py: the top half trains, the bottom half is the test; each half
is its own raster for the encoder (engine tiling: 64 px tiles, step 48), so no tile sees both.
Targets: per output cell (4 x 4 px) the fraction of its labelled pixels that are water, weighted
by the fraction labelled (label -1 = not labelled). The decision threshold is the one that
maximises F1 on the training pixels. Metric: F1 of water on every labelled pixel of the test half,
the head's probabilities upsampled bilinearly to the pixels, as the engine writes its default
class raster (main/heads/head-infer.ts).
"""
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from models.eval.encoder import EvalError
from models.eval.probe import THRESHOLDS
from models.pretrain.data.grid import read_array

from .. import engine_tiles, fit
from ..encoder_taps import check_parity_once
from ..errors import HeadError
from ..head_nets import PixelHead
from .common import HeadBuild, binary_scores, engine_tile, rounded

NAME = 's1-water'
CHIP = 'Spain_7370579'
TAP = 'feat_l3'
# linear: a 2-layer MLP (HIDDEN 32) scored no better in cross-validation inside the training split
# (see models/heads/README.md), and the linear head overfits less
HIDDEN = 0
STEPS = 300
LR = 1e-2
WEIGHT_DECAY = 1e-4
QUICK_ROWS, QUICK_COLS = 64, 128


def load(root):
    base = Path(root) / 's1s2' / 'sen1floods11' / 'sample'
    s1_path, label_path = base / 'S1' / f'{CHIP}_S1Hand.tif', base / 'Labels' / f'{CHIP}_LabelHand.tif'
    for p in (s1_path, label_path):
        if not p.is_file():
            raise HeadError(f'{p}: missing (Sen1Floods11 chip for the s1-water head)')
    try:
        s1, label = read_array(s1_path), read_array(label_path)[0]
    except (EvalError, ValueError) as e:
        raise HeadError(str(e)) from None
    if s1.shape[0] != 2 or s1.shape[1:] != label.shape:
        raise HeadError(f'{s1_path}: shape {s1.shape} does not pair with {label_path} {label.shape}')
    if not (np.nanmin(s1) < 0):
        raise HeadError(f'{s1_path}: no negative value, so not backscatter in dB')
    return s1, np.where(np.isnan(label), -1, label).astype(np.int16), label_path


def best_pixel_threshold(prob_cells, label, stride):
    """Threshold on P(water) with the best F1 over the labelled training pixels."""
    h, w = label.shape
    p = fit.upsample(prob_cells[None], stride, h, w)[0]
    keep = label >= 0
    p, y = p[keep], label[keep] == 1
    best = (0.5, -1.0)
    for t in THRESHOLDS:
        hit = p >= t
        tp = np.count_nonzero(hit & y)
        score = 2 * tp / max(np.count_nonzero(hit) + np.count_nonzero(y), 1)
        if score > best[1]:
            best = (float(t), float(score))
    return best


def build(enc, root, seed=0, quick=False):
    s1, label, label_path = load(root)
    modality = enc.modality('s1')
    module, spec = enc.module_for('s1')
    tile = engine_tile(spec)
    stride = next(o['stride'] for o in spec['outputs'] if o['name'] == TAP)
    h = label.shape[0]
    mid = h // 2
    r0, r1, c1 = 0, h, label.shape[1]
    if quick:
        r0, r1, c1 = mid - QUICK_ROWS, mid + QUICK_ROWS, QUICK_COLS
    halves = {'train': (s1[:, r0:mid, :c1], label[r0:mid, :c1]), 'test': (s1[:, mid:r1, :c1], label[mid:r1, :c1])}
    run = enc.runner(module)
    feats = {}
    for part, (img, _) in halves.items():
        x = engine_tiles.normalise(img, modality)
        if part == 'train':
            check_parity_once(enc, module, np.stack([x[:, :tile['size'], :tile['size']], x[:, -tile['size']:, -tile['size']:]]))
        feats[part] = engine_tiles.stitched_taps(run, x, tile['size'], tile['size'] - tile['stride'], stride, [TAP])[TAP]

    ftr, lab_tr = feats['train'], halves['train'][1]
    frac, labelled = fit.soft_targets(lab_tr, stride, (0, 1), ignore=-1)
    cells = ftr.reshape(ftr.shape[0], -1)[:, labelled.reshape(-1) > 0]
    mean, std = cells.mean(1), cells.std(1) + 1e-6
    fit.seeded(seed)
    net = PixelHead(mean, std, HIDDEN, 1)
    xt = torch.from_numpy(ftr)[None]
    target, weight = torch.from_numpy(frac[1]), torch.from_numpy(labelled.astype(np.float32))
    losses = fit.train(net, lambda n: F.binary_cross_entropy_with_logits(n(xt)[0, 0], target, weight=weight, reduction='sum') / weight.sum(),
                       STEPS, LR, WEIGHT_DECAY)
    with torch.no_grad():
        p_tr = torch.sigmoid(net(xt))[0, 0].numpy()
        p_te = torch.sigmoid(net(torch.from_numpy(feats['test'])[None]))[0, 0].numpy()
    threshold, train_f1 = best_pixel_threshold(p_tr, lab_tr, stride)
    lab_te = halves['test'][1]
    pred = (fit.upsample(p_te[None], stride, *lab_te.shape)[0] >= threshold).astype(np.int64)
    scores, counts = binary_scores(pred, lab_te, ignore=-1)

    n_train = int((labelled > 0).sum())
    t = feats['test']
    example = [np.stack([t[:, :16, :16], t[:, -16:, -16:]])]
    small = [np.ascontiguousarray(t[None, :, 5:17, 3:23])]
    rows = f'rows {r0}-{mid - 1}' + (f', cols 0-{c1 - 1}' if quick else '')
    return HeadBuild(
        name=NAME, title='Surface water from Sentinel-1 (VV, VH dB)', task='segment', modality='s1', module=module, net=net,
        example=example, example_small=small,
        inputs=[{'name': 'feat', 'dtype': 'float32', 'shape': ['batch', int(ftr.shape[0]), 'h', 'w'], 'tap': TAP}],
        outputs=[{'name': 'logits', 'dtype': 'float32', 'shape': ['batch', 1, 'h', 'w'], 'stride': stride}],
        activation='sigmoid', threshold=threshold,
        classes=[{'value': 0, 'name': 'not water', 'color': '#000000'}, {'value': 1, 'name': 'water', 'color': '#1f78b4'}],
        tile=tile,
        training={
            'data': f'Sen1Floods11 v1.1 hand-labelled chip {CHIP} (Spain, S1 2019-09-17, VV/VH dB), top half ({rows}); '
                    f'labels -1 ignored; target per {stride} x {stride} px output cell = its water fraction',
            'licence': 'Sen1Floods11 labels: described as CC-BY-4.0 by third parties; the source repository '
                       '(cloudtostreet/Sen1Floods11) has no licence file, so this is unverified',
            'samples': n_train, 'epochs': STEPS, 'script': 'models/heads/tasks/s1_water.py (python3 -m models.heads.train_all)',
            'metrics': rounded({**scores, 'train_f1': train_f1, 'final_loss': losses[-1]}),
            'evaluatedOn': f'bottom half of the same chip (rows {mid}-{r1 - 1}, its own encoder input), '
                           f'{counts["tp"] + counts["fn"]} water / {counts["tp"] + counts["fp"] + counts["fn"] + counts["tn"]} labelled pixels, '
                           f'probabilities upsampled bilinearly to the pixels, as the engine does for its default class raster; threshold chosen on the training half',
        },
        weights_licence='Non-commercial research use only, as the skysense-tiny encoder weights it reads; trained on '
                        'Sen1Floods11 labels (licence unverified, see training.licence)',
        report={'counts': counts, 'train_cells': n_train, 'loss_first_last': [losses[0], losses[-1]]},
    )
