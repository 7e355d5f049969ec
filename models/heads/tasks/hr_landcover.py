"""hr-landcover: LoveDA land cover (7 classes) from 0.3 m RGB, a softmax head on all four taps of
the HR encoder (feat_s4..feat_s32), combined on the stride-4 grid inside the head
(head_nets.PyramidHead: 1 x 1 projections, bilinear resize, sum, ReLU, 1 x 1 classifier).

Data: the three LoveDA tiles here (1024 px), each cut into 512 px quadrants; a quadrant is exactly
one engine HR tile (512 px), so the head sees taps as the engine computes them. Split as in
models/eval/tasks/loveda_segmentation.py (checkerboard): top-left + bottom-right quadrants train,
top-right + bottom-left are the test. Label 0 (no data) is ignored.
Targets: per output cell (4 x 4 px) the class fractions of its labelled pixels, class-balanced
(weights n / (K * n_k)) so rare classes (water, barren) are not drowned by forest/agriculture.
Metric: mIoU over the classes present in the test quadrants or predicted there, every labelled
pixel (pooled over the six test quadrants), class = argmax of the softmax probabilities upsampled
bilinearly to the pixels, as the engine's default class raster.
Potsdam/Vaihingen are not used: their classes (impervious, building, low vegetation, tree, car,
clutter) are another legend at 5-9 cm, one crop per city, and Vaihingen is IRRG, not RGB.
"""
import numpy as np
import torch

from models.eval.encoder import EvalError
from models.eval.metrics import miou
from models.eval.tasks.loveda_segmentation import CLASSES, QUADRANT, TEST_QUADRANTS, TILES, TRAIN_QUADRANTS, load_tile, quadrant

from .. import engine_tiles, fit
from ..encoder_taps import check_parity_once
from ..errors import HeadError
from ..head_nets import PyramidHead
from .common import HeadBuild, engine_tile, rounded

NAME = 'hr-landcover'
TAPS = ('feat_s4', 'feat_s8', 'feat_s16', 'feat_s32')
# linear: a 2-layer MLP (HIDDEN 32) scored no better in cross-validation inside the training split
# (see models/heads/README.md), and the linear head overfits less
HIDDEN = 0
STEPS = 300
LR = 1e-2
WEIGHT_DECAY = 1e-4
QUICK_TILES = ('1',)
# the LoveDA colour map (label 1..7)
COLORS = ('#ffffff', '#ff0000', '#ffff00', '#0000ff', '#9f81b7', '#00ff00', '#ffc380')


def build(enc, root, seed=0, quick=False):
    base = root / 'hr' / 'loveda'
    modality = enc.modality('hr')
    module, spec = enc.module_for('hr')
    tile = engine_tile(spec)
    if QUADRANT not in (spec['tile'].get('validSizes') or [QUADRANT]):
        raise HeadError(f'{module}: cannot take {QUADRANT} px tiles, the LoveDA quadrant size')
    strides = {o['name']: o['stride'] for o in spec['outputs']}
    missing = [t for t in TAPS if t not in strides]
    if missing:
        raise HeadError(f'{enc.model_dir / "manifest.json"}: {module} has no output {", ".join(missing)}')
    stride = strides[TAPS[0]]
    run = enc.runner(module)
    parts = {'train': [], 'test': []}
    for name in QUICK_TILES if quick else TILES:
        try:
            rgb, lab = load_tile(base, name)
        except (EvalError, ValueError) as e:
            raise HeadError(str(e)) from None
        for part, quads in (('train', TRAIN_QUADRANTS), ('test', TEST_QUADRANTS)):
            for rc in quads:
                x = engine_tiles.normalise(quadrant(rgb, rc), modality)
                check_parity_once(enc, module, x[None])
                taps = engine_tiles.tile_taps(run, x, QUADRANT)
                parts[part].append(({t: taps[t] for t in TAPS}, quadrant(lab, rc), f'{name}{"TB"[rc[0]]}{"LR"[rc[1]]}'))

    classes = tuple(range(1, len(CLASSES) + 1))
    fracs, weights = [], []
    for _, lab, _ in parts['train']:
        f, labelled = fit.soft_targets(lab, stride, classes, ignore=0)
        fracs.append(f)
        weights.append(labelled)
    frac = torch.from_numpy(np.stack(fracs))           # (Q, K, h, w)
    labelled = torch.from_numpy(np.stack(weights).astype(np.float32))
    cw = torch.from_numpy(fit.class_weights(np.stack(fracs, 1).reshape(len(classes), -1), np.stack(weights).reshape(-1)))
    feats = [torch.from_numpy(np.stack([p[0][t] for p in parts['train']])) for t in TAPS]
    stats = {}
    for t, f in zip(TAPS, feats):
        flat = f.permute(1, 0, 2, 3).reshape(f.shape[1], -1).numpy()
        stats[t] = (flat.mean(1), flat.std(1) + 1e-6)
    fit.seeded(seed)
    net = PyramidHead(stats, HIDDEN, len(classes), TAPS[0])
    cell_w = labelled * (frac * cw[None, :, None, None]).sum(1)
    norm = cell_w.sum()

    def loss_fn(n):
        logp = torch.log_softmax(n(*feats), dim=1)
        return -(labelled[:, None] * frac * cw[None, :, None, None] * logp).sum() / norm

    losses = fit.train(net, loss_fn, STEPS, LR, WEIGHT_DECAY)

    def predict(items):
        preds, labs = [], []
        for taps, lab, _ in items:
            with torch.no_grad():
                prob = torch.softmax(net(*[torch.from_numpy(taps[t])[None] for t in TAPS]), dim=1)[0].numpy()
            preds.append(fit.upsample(prob, stride, *lab.shape).argmax(0).ravel() + 1)
            labs.append(lab.ravel())
        return np.concatenate(preds), np.concatenate(labs)

    pred, lab = predict(parts['test'])
    mean_iou, ious = miou(pred, lab, len(classes) + 1, ignore=0, classes=classes)
    tr_pred, tr_lab = predict(parts['train'])
    train_miou, _ = miou(tr_pred, tr_lab, len(classes) + 1, ignore=0, classes=classes)
    metrics = {'miou': mean_iou, 'pixel_accuracy': float((pred[lab > 0] == lab[lab > 0]).mean()), 'train_miou': train_miou,
               'final_loss': losses[-1]}
    metrics.update({f'iou_{CLASSES[c - 1]}': v for c, v in ious.items()})
    n_train = int(sum(int((w > 0).sum()) for w in weights))
    t0 = parts['test'][0][0]
    example = [np.ascontiguousarray(t0[t][None]) for t in TAPS]
    # a smaller, non-square tile (384 x 288 px) to check the dynamic axes: stride-32 cells 12 x 9
    small = [np.ascontiguousarray(t0[t][None, :, :288 // strides[t], :384 // strides[t]]) for t in TAPS]
    names = [p[2] for p in parts['train']]
    unseen = [CLASSES[c - 1] for c, w in zip(classes, cw.tolist()) if w == 0]
    unseen_note = f'; no training pixel of {", ".join(unseen)} (the head cannot predict it reliably)' if unseen else ''
    return HeadBuild(
        name=NAME, title='Land cover from 0.3 m RGB (LoveDA 7 classes)', task='segment', modality='hr', module=module, net=net,
        example=example, example_small=small,
        inputs=[{'name': t, 'dtype': 'float32', 'shape': ['batch', int(t0[t].shape[0]), f'h{strides[t]}', f'w{strides[t]}'], 'tap': t}
                for t in TAPS],
        outputs=[{'name': 'logits', 'dtype': 'float32', 'shape': ['batch', len(classes), f'h{stride}', f'w{stride}'], 'stride': stride}],
        activation='softmax',
        classes=[{'value': c, 'name': CLASSES[c - 1], 'color': COLORS[c - 1]} for c in classes],
        tile=tile,
        training={
            'data': f'LoveDA tiles {", ".join(QUICK_TILES if quick else TILES)} (1024 px RGB, 0.3 m), top-left and bottom-right '
                    f'512 px quadrants ({", ".join(names)}), one HR encoder tile each; label 0 ignored; target per {stride} x {stride} px '
                    f'cell = its class fractions, class-balanced{unseen_note}',
            'licence': 'LoveDA: CC BY-NC-SA 4.0 (non-commercial, share-alike); imagery from Google Earth (its terms apply)',
            'samples': n_train, 'epochs': STEPS, 'script': 'models/heads/tasks/hr_landcover.py (python3 -m models.heads.train_all)',
            'metrics': rounded(metrics),
            'evaluatedOn': f'the other two quadrants of each tile ({", ".join(p[2] for p in parts["test"])}), every labelled pixel, '
                           f'argmax of the probabilities upsampled bilinearly to the pixels, as the engine does for its default class raster; mIoU over classes present or predicted',
        },
        weights_licence='Non-commercial research use only: the skysense-tiny encoder weights are, and the LoveDA labels are CC BY-NC-SA 4.0',
        report={'iou': rounded({CLASSES[c - 1]: v for c, v in ious.items()}), 'loss_first_last': [losses[0], losses[-1]],
                'class_weights': [round(float(v), 3) for v in cw]},
    )
