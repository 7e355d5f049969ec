"""oscd-change: change between two Sentinel-2 dates, a binary sigmoid head on s2_encoder feat_l3 of
each date (inputs feat_a, feat_b; symmetric in the dates, see head_nets.ChangeHead).

Data: the 8 labelled OSCD cities (S2 L1C, reflectance x 10000, both dates on the date-1 10 m grid,
read by models/eval/tasks/oscd_change.py). Split as in that probe: train on aguasclaras, hongkong,
mumbai, pisa, saclay_e; test on bercy, bordeaux, rennes (no test city contributes a pixel). Each
city and date is its own encoder input on the engine's 64 px tiles (step 48).
Targets: per output cell (4 x 4 px) the fraction of changed pixels. Change is 1-4 % of a city, so
every cell holding change is used with a random NEG_CELLS of the others (seeded), re-weighted to the
cities' true mix; positives get pos_weight = negative / positive mass so the classes count alike.
The threshold maximises F1 on the training cities (expected pixel counts from the re-weighted
cells). Metric: F1 of change pooled over every pixel of the three test cities, the head's
probabilities upsampled bilinearly to the pixels as the engine's default class raster.
"""
import numpy as np
import torch
import torch.nn.functional as F

from models.eval.encoder import EvalError
from models.eval.probe import THRESHOLDS
from models.eval.tasks.oscd_change import TEST, TRAIN, load_city

from .. import engine_tiles, fit
from ..encoder_taps import check_parity_once
from ..errors import HeadError
from ..head_nets import ChangeHead
from .common import HeadBuild, binary_scores, engine_tile, rounded

NAME = 'oscd-change'
TAP = 'feat_l3'
# linear: a 2-layer MLP (HIDDEN 32) scored no better in cross-validation inside the training split
# (see models/heads/README.md), and the linear head overfits less
HIDDEN = 0
STEPS = 250
LR = 1e-2
WEIGHT_DECAY = 1e-4
NEG_CELLS = 40000
QUICK_TRAIN, QUICK_TEST = ('aguasclaras',), ('bercy',)
QUICK_CROP = 128


def _city(base, city, quick):
    try:
        s2, lab = load_city(base, city)
    except (EvalError, ValueError) as e:
        raise HeadError(str(e)) from None
    if quick:
        s2, lab = s2[..., :QUICK_CROP, :QUICK_CROP], lab[:QUICK_CROP, :QUICK_CROP]
    return s2, lab


def _best_threshold(p, frac, w):
    best = (0.5, -1.0)
    for t in THRESHOLDS:
        hit = p >= t
        tp = float((w * frac)[hit].sum())
        fp = float((w * (1 - frac))[hit].sum())
        fn = float((w * frac)[~hit].sum())
        score = 2 * tp / max(2 * tp + fp + fn, 1e-9)
        if score > best[1]:
            best = (float(t), score)
    return best


def build(enc, root, seed=0, quick=False):
    base = root / 'oscd'
    modality = enc.modality('s2')
    module, spec = enc.module_for('s2')
    tile = engine_tile(spec)
    stride = next(o['stride'] for o in spec['outputs'] if o['name'] == TAP)
    run = enc.runner(module)
    train_cities, test_cities = (QUICK_TRAIN, QUICK_TEST) if quick else (TRAIN, TEST)

    def taps(s2):
        out = []
        for d in range(2):
            x = engine_tiles.normalise(s2[d], modality)
            check_parity_once(enc, module, np.stack([x[:, :tile['size'], :tile['size']], x[:, -tile['size']:, -tile['size']:]]))
            out.append(engine_tiles.stitched_taps(run, x, tile['size'], tile['size'] - tile['stride'], stride, [TAP])[TAP])
        return out

    rng = np.random.default_rng(seed)
    fa, fb, fr, n_cells, n_pix, per_city = [], [], [], 0, 0, {}
    cities = {}
    for c in train_cities:
        s2, lab = _city(base, c, quick)
        a, b = taps(s2)
        frac, _ = fit.soft_targets(lab, stride, (1,), ignore=-1)
        cities[c] = (a.reshape(a.shape[0], -1), b.reshape(b.shape[0], -1), frac[0].reshape(-1))
        n_cells += frac[0].size
        n_pix += lab.size
    total_neg = sum(int((v[2] == 0).sum()) for v in cities.values())
    wa, wb, wf, ww = [], [], [], []
    for c, (a, b, frac) in cities.items():
        pos = np.flatnonzero(frac > 0)
        neg = np.flatnonzero(frac == 0)
        take = min(len(neg), int(round(NEG_CELLS * len(neg) / max(total_neg, 1))))
        neg = np.sort(rng.choice(neg, size=take, replace=False))
        idx = np.concatenate([pos, neg])
        wa.append(a[:, idx])
        wb.append(b[:, idx])
        wf.append(frac[idx])
        ww.append(np.concatenate([np.ones(len(pos)), np.full(len(neg), len(np.flatnonzero(frac == 0)) / max(take, 1))]))
        per_city[c] = {'change_cells': int(len(pos)), 'no_change_cells_used': int(take)}
    a = np.concatenate(wa, axis=1)
    b = np.concatenate(wb, axis=1)
    frac = np.concatenate(wf).astype(np.float32)
    w = np.concatenate(ww).astype(np.float32)
    stats = np.concatenate([a, b], axis=1)
    mean, std = stats.mean(1), stats.std(1) + 1e-6
    pos_mass, neg_mass = float((w * frac).sum()), float((w * (1 - frac)).sum())
    if pos_mass == 0:
        raise HeadError(f'{base}: no changed pixel in the training cities {", ".join(train_cities)}')
    fit.seeded(seed)
    net = ChangeHead(mean, std, HIDDEN)
    xa, xb = torch.from_numpy(a.T.copy())[:, :, None, None], torch.from_numpy(b.T.copy())[:, :, None, None]
    target, weight = torch.from_numpy(frac), torch.from_numpy(w / w.mean())
    pw = torch.tensor(neg_mass / pos_mass)
    losses = fit.train(net, lambda n: F.binary_cross_entropy_with_logits(n(xa, xb)[:, 0, 0, 0], target, weight=weight, pos_weight=pw),
                       STEPS, LR, WEIGHT_DECAY)
    with torch.no_grad():
        p_tr = torch.sigmoid(net(xa, xb))[:, 0, 0, 0].numpy()
    threshold, train_f1 = _best_threshold(p_tr, frac, w)

    counts = {'tp': 0, 'fp': 0, 'fn': 0, 'tn': 0}
    f1_city, example = {}, None
    for c in test_cities:
        s2, lab = _city(base, c, quick)
        ta, tb = taps(s2)
        with torch.no_grad():
            p = torch.sigmoid(net(torch.from_numpy(ta)[None], torch.from_numpy(tb)[None]))[0, 0].numpy()
        pred = (fit.upsample(p[None], stride, *lab.shape)[0] >= threshold).astype(np.int64)
        s, cc = binary_scores(pred, lab)
        f1_city[c] = round(s['f1'], 4)
        for k in counts:
            counts[k] += cc[k]
        if example is None:
            example = [np.stack([ta[:, :16, :16], ta[:, -16:, -16:]]), np.stack([tb[:, :16, :16], tb[:, -16:, -16:]])]
            small = [np.ascontiguousarray(ta[None, :, 3:13, 2:22]), np.ascontiguousarray(tb[None, :, 3:13, 2:22])]
    tp, fp, fn = counts['tp'], counts['fp'], counts['fn']
    scores = {'f1': 2 * tp / max(2 * tp + fp + fn, 1), 'precision': tp / max(tp + fp, 1), 'recall': tp / max(tp + fn, 1)}
    scores.update({f'f1_{c}': v for c, v in f1_city.items()})
    n_train = int(len(frac))
    c_in = int(a.shape[0])
    return HeadBuild(
        name=NAME, title='Change between two Sentinel-2 dates (OSCD urban change)', task='change', modality='s2', module=module,
        net=net, example=example, example_small=small,
        inputs=[{'name': 'feat_a', 'dtype': 'float32', 'shape': ['batch', c_in, 'h', 'w'], 'tap': TAP, 'date': 'a'},
                {'name': 'feat_b', 'dtype': 'float32', 'shape': ['batch', c_in, 'h', 'w'], 'tap': TAP, 'date': 'b'}],
        outputs=[{'name': 'logits', 'dtype': 'float32', 'shape': ['batch', 1, 'h', 'w'], 'stride': stride}],
        activation='sigmoid', threshold=threshold,
        classes=[{'value': 0, 'name': 'no change', 'color': '#000000'}, {'value': 1, 'name': 'change', 'color': '#e31a1c'}],
        tile=tile,
        training={
            'data': f'OSCD (Onera Satellite Change Detection) S2 L1C pairs and change maps of {", ".join(train_cities)}; '
                    f'{n_train} of {n_cells} output cells ({stride} x {stride} px; every cell with change + a seeded sample of the rest, '
                    f're-weighted to the true mix) from {n_pix} labelled pixels',
            'licence': 'OSCD change maps: CC BY-NC-SA 4.0 (non-commercial, share-alike); Sentinel-2 images: Copernicus terms',
            'samples': n_train, 'epochs': STEPS, 'script': 'models/heads/tasks/oscd_change.py (python3 -m models.heads.train_all)',
            'metrics': rounded({**scores, 'train_f1': train_f1, 'final_loss': losses[-1]}),
            'evaluatedOn': f'every pixel of the held-out OSCD cities {", ".join(test_cities)} ({tp + fn} changed of '
                           f'{tp + fp + fn + counts["tn"]}), pooled; probabilities upsampled bilinearly to the pixels, as the engine does for its default class raster; threshold chosen on the training cities',
        },
        weights_licence='Non-commercial research use only: the skysense-tiny encoder weights are, and the OSCD labels are CC BY-NC-SA 4.0',
        report={'counts': counts, 'train_cells': per_city, 'loss_first_last': [losses[0], losses[-1]]},
    )
