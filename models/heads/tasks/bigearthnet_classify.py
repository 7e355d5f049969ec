"""bigearthnet-classify: multi-label BigEarthNet v2 (19-class nomenclature) scene labels of a
1.2 km Sentinel-2 patch, a sigmoid head on s2_encoder feat_l3 averaged over the tile.

TINY DATA: 14 labelled S2 L2A patches (11 BigEarthNet v1 + 3 v2, 120 x 120 px), labels from the
BENv2 mapping in bigearthnet_staged_patches_benv2_metadata.csv. The head can only say something
about the classes that occur in them, so it lists only those (values = the classes' indices in
the 19-class nomenclature, so they stay stable if more data adds classes). Each patch is one
encoder tile of 120 px (the scene the labels describe; tile = 120, step 120 in the manifest), with
the four flips / 180-degree turn of the patch as extra training views. It is a demonstration
head: the leave-one-patch-out metric is printed next to a prior baseline (always predict the k
most frequent training classes, k = mean labels per patch) so its worth can be judged.
Training: standardised linear layer on the pooled tap, class-balanced (pos_weight per class)
BCE + weight decay, full batch. Threshold 0.5.
"""
import csv
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from models.eval.encoder import EvalError
from models.pretrain.data.bands import normalise_s2_name
from models.pretrain.data.grid import SourceError, grid_of
from models.pretrain.data.sources.common import s2_from_band_files

from .. import engine_tiles, fit
from ..encoder_taps import check_parity_once
from ..errors import HeadError
from ..head_nets import PooledHead
from .common import HeadBuild, rounded

NAME = 'bigearthnet-classify'
TAP = 'feat_l3'
PATCH = 120
STEPS = 200
LR = 1e-2
WEIGHT_DECAY = 1e-2
THRESHOLD = 0.5
QUICK_PATCHES = 5
# BigEarthNet 19-class nomenclature (Sumbul et al. 2021), in its published order; colours from the CORINE legend
BEN19 = (
    ('Urban fabric', '#e6004d'), ('Industrial or commercial units', '#cc4df2'), ('Arable land', '#ffffa8'),
    ('Permanent crops', '#e68000'), ('Pastures', '#e6e64d'), ('Complex cultivation patterns', '#ffe64d'),
    ('Land principally occupied by agriculture, with significant areas of natural vegetation', '#e6cc4d'),
    ('Agro-forestry areas', '#f2cca6'), ('Broad-leaved forest', '#80ff00'), ('Coniferous forest', '#00a600'),
    ('Mixed forest', '#4dff00'), ('Natural grassland and sparsely vegetated areas', '#ccf24d'),
    ('Moors, heathland and sclerophyllous vegetation', '#a6ff80'), ('Transitional woodland, shrub', '#a6f200'),
    ('Beaches, dunes, sands', '#e6e6e6'), ('Inland wetlands', '#a6a6ff'), ('Coastal wetlands', '#ccccff'),
    ('Inland waters', '#00ccf2'), ('Marine waters', '#e6f2ff'))


def _patch_dirs(base):
    return sorted([p for p in (base / 'v1' / 'BigEarthNet-v1.0').glob('*') if p.is_dir()] +
                  [p for p in (base / 'v2' / 'BigEarthNet-S2').glob('*/*') if p.is_dir()])


def _s2(d):
    files = {normalise_s2_name(p.stem.rsplit('_', 1)[1]): p for p in d.glob('*_B*.tif')}
    if 'B02' not in files:
        raise HeadError(f'{d}: no *_B02.tif band file')
    try:
        return s2_from_band_files(files, grid_of(files['B02']))
    except (SourceError, EvalError) as e:
        raise HeadError(str(e)) from None


def load(root):
    base = Path(root) / 's1s2' / 'bigearthnet'
    table = base / 'bigearthnet_staged_patches_benv2_metadata.csv'
    if not table.is_file():
        raise HeadError(f'{table}: missing (BigEarthNet v2 labels)')
    names = {n for n, _ in BEN19}
    labels = {}
    with open(table, newline='') as fh:
        for row in csv.DictReader(fh):
            if row['modality'] != 'S2' or not row['labels_benv2_19class']:
                continue
            ls = row['labels_benv2_19class'].split(';')
            bad = [x for x in ls if x not in names]
            if bad:
                raise HeadError(f'{table}: {row["staged_patch"]}: labels {bad} are not BigEarthNet 19-class names')
            labels[row['staged_patch']] = ls
    patches = [(d, labels[d.name]) for d in _patch_dirs(base) if d.name in labels]
    if len(patches) < 3:
        raise HeadError(f'{base}: only {len(patches)} S2 patches with BENv2 labels; need at least 3')
    return patches, table


def _views(x):
    return [x, x[:, :, ::-1], x[:, ::-1, :], x[:, ::-1, ::-1]]


def _fit(feats, y, seed):
    """feats (N, C) pooled taps, y (N, K) 0/1 -> trained PooledHead (class-balanced BCE)."""
    pooled = feats
    mean, std = pooled.mean(0), pooled.std(0) + 1e-6
    fit.seeded(seed)
    net = PooledHead(mean, std, y.shape[1])
    x = torch.from_numpy(np.ascontiguousarray(feats))[:, :, None, None]
    t = torch.from_numpy(y.astype(np.float32))
    pos = t.sum(0)
    pw = ((len(t) - pos) / pos.clamp(min=1)).clamp(max=20)
    fit.train(net, lambda n: F.binary_cross_entropy_with_logits(n(x), t, pos_weight=pw), STEPS, LR, WEIGHT_DECAY)
    return net


def _scores(pred, y):
    tp = int((pred & y).sum())
    fp = int((pred & ~y).sum())
    fn = int((~pred & y).sum())
    per = [2 * (p & t).sum() / max(p.sum() + t.sum(), 1) for p, t in zip(pred, y)]
    return {'micro_f1': 2 * tp / max(2 * tp + fp + fn, 1), 'precision': tp / max(tp + fp, 1), 'recall': tp / max(tp + fn, 1),
            'sample_f1': float(np.mean(per))}


def build(enc, root, seed=0, quick=False):
    patches, table = load(root)
    if quick:
        patches = patches[:QUICK_PATCHES]
    modality = enc.modality('s2')
    module, spec = enc.module_for('s2')
    mult = (spec.get('tile') or {}).get('multipleOf') or 1
    if PATCH % mult:
        raise HeadError(f'{module}: tiles must be a multiple of {mult} px; a BigEarthNet patch is {PATCH}')
    run = enc.runner(module)
    present = sorted({BEN19.index(next(b for b in BEN19 if b[0] == n)) for _, ls in patches for n in ls})
    y = np.array([[BEN19[k][0] in ls for k in present] for _, ls in patches], dtype=bool)
    views, maps = [], []
    for d, _ in patches:
        x = engine_tiles.normalise(_s2(d), modality)
        if x.shape[1:] != (PATCH, PATCH):
            raise HeadError(f'{d}: {x.shape[1]} x {x.shape[2]} px, expected a {PATCH} px BigEarthNet patch')
        check_parity_once(enc, module, x[None])
        per = [engine_tiles.tile_taps(run, np.ascontiguousarray(v), PATCH)[TAP] for v in _views(x)]
        maps.append(per[0])
        views.append(np.stack([m.mean(axis=(1, 2)) for m in per]))
    views = np.stack(views)                       # (P, V, C)
    n_p, n_v, c = views.shape

    # leave one patch out (all its views), then the prior baseline on the same folds
    probs, prior = np.zeros(y.shape), np.zeros(y.shape, dtype=bool)
    for i in range(n_p):
        keep = np.arange(n_p) != i
        net = _fit(views[keep].reshape(-1, c), np.repeat(y[keep], n_v, axis=0), seed)
        with torch.no_grad():
            probs[i] = torch.sigmoid(net(torch.from_numpy(views[i, :1])[:, :, None, None]))[0].numpy()
        # constant guess: the k most frequent training classes, k = the fold's mean labels per patch
        k = max(1, int(round(y[keep].sum(1).mean())))
        prior[i, np.argsort(-y[keep].sum(0), kind='stable')[:k]] = True
    loo = _scores(probs >= THRESHOLD, y)
    base = _scores(prior, y)
    net = _fit(views.reshape(-1, c), np.repeat(y, n_v, axis=0), seed)
    with torch.no_grad():
        train = _scores(torch.sigmoid(net(torch.from_numpy(views[:, 0])[:, :, None, None])).numpy() >= THRESHOLD, y)
    metrics = {f'loo_{k}': v for k, v in loo.items()}
    metrics.update({f'loo_prior_baseline_{k}': v for k, v in base.items()})
    metrics['train_micro_f1'] = train['micro_f1']
    counts = {BEN19[k][0]: int(y[:, j].sum()) for j, k in enumerate(present)}
    absent = [n for n, _ in BEN19 if n not in counts]
    example = [np.stack([maps[0], maps[1]])]
    small = [np.ascontiguousarray(maps[2][None, :, 4:20, 2:26])]
    return HeadBuild(
        name=NAME, title='BigEarthNet scene labels from Sentinel-2 (multi-label, demonstration: 14 training patches)',
        task='classify', modality='s2', module=module, net=net, example=example, example_small=small,
        inputs=[{'name': 'feat', 'dtype': 'float32', 'shape': ['batch', c, 'h', 'w'], 'tap': TAP}],
        outputs=[{'name': 'logits', 'dtype': 'float32', 'shape': ['batch', len(present)]}],
        activation='sigmoid', threshold=THRESHOLD,
        classes=[{'value': k, 'name': BEN19[k][0], 'color': BEN19[k][1]} for k in present],
        tile={'size': PATCH, 'stride': PATCH},
        training={
            'data': f'{n_p} BigEarthNet S2 L2A patches (v1 and v2 layouts, 1.2 km, {PATCH} px, reflectance x 10000) with BENv2 19-class '
                    f'labels from {table.name}; one {PATCH} px encoder tile per patch, x{n_v} flip views; positives per class: '
                    + '; '.join(f'{k} {v}' for k, v in counts.items())
                    + f'. Classes never seen, so not in this head: {"; ".join(absent)}',
            'licence': 'BigEarthNet v1/v2: CDLA-Permissive-1.0; Copernicus Sentinel data terms',
            'samples': int(n_p), 'epochs': STEPS, 'script': 'models/heads/tasks/bigearthnet_classify.py (python3 -m models.heads.train_all)',
            'metrics': rounded(metrics),
            'evaluatedOn': f'leave-one-patch-out over the same {n_p} patches (each held out with all its views; threshold {THRESHOLD}); '
                           f'baseline = always the k most frequent classes of the fold (k = its mean labels per patch). Tiny data: not a benchmark',
        },
        weights_licence='Non-commercial research use only, as the skysense-tiny encoder weights it reads; trained on BigEarthNet labels '
                        '(CDLA-Permissive-1.0)',
        report={'positives': counts, 'absent_classes': absent,
                'loo_probs': {d.name: [round(float(p), 3) for p in pr] for (d, _), pr in zip(patches, probs)}},
    )
