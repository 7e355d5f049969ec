"""Metrics of the probes, from integer label arrays (any shape; flattened).

API
    confusion(pred, target, n_classes, ignore=None) -> (n_classes, n_classes) int64, rows = target
    binary_counts(pred, target, ignore=None) -> {'tp', 'fp', 'fn', 'tn'} (1 = positive)
    f1(pred, target, ignore=None) -> F1 of class 1; 0.0 when there is no positive in either array
    miou(pred, target, n_classes, ignore=None, classes=None) -> (mean IoU, {class: IoU})
        IoU is averaged over the classes whose union is non-empty (a class neither present nor
        predicted says nothing either way); `classes` restricts the mean to a list.
    accuracy(pred, target, ignore=None) -> fraction correct
    macro_f1(pred, target, n_classes, ignore=None) -> mean F1 over classes present in target

    python3 -m models.eval.metrics CASE.json   prints {"f1", "miou", "ious", "accuracy", "counts"} for
        {"pred": [...], "target": [...], "n_classes": K, "ignore": v|null} (used by the node test)
Pixels equal to `ignore` in target are left out of every count.
"""
import json
import sys

import numpy as np


def _flat(pred, target, ignore):
    p = np.asarray(pred).reshape(-1)
    t = np.asarray(target).reshape(-1)
    if p.shape != t.shape:
        raise ValueError(f'prediction has {p.size} values, target {t.size}')
    if ignore is not None:
        keep = t != ignore
        p, t = p[keep], t[keep]
    return p.astype(np.int64), t.astype(np.int64)


def confusion(pred, target, n_classes, ignore=None):
    p, t = _flat(pred, target, ignore)
    bad = (p < 0) | (p >= n_classes) | (t < 0) | (t >= n_classes)
    if bad.any():
        raise ValueError(f'{int(bad.sum())} labels outside 0..{n_classes - 1}')
    return np.bincount(t * n_classes + p, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


def binary_counts(pred, target, ignore=None):
    p, t = _flat(pred, target, ignore)
    p, t = p == 1, t == 1
    return {'tp': int((p & t).sum()), 'fp': int((p & ~t).sum()), 'fn': int((~p & t).sum()),
            'tn': int((~p & ~t).sum())}


def f1_from_counts(c):
    denom = 2 * c['tp'] + c['fp'] + c['fn']
    return 2 * c['tp'] / denom if denom else 0.0


def f1(pred, target, ignore=None):
    return f1_from_counts(binary_counts(pred, target, ignore))


def miou(pred, target, n_classes, ignore=None, classes=None):
    cm = confusion(pred, target, n_classes, ignore)
    inter = np.diag(cm)
    union = cm.sum(0) + cm.sum(1) - inter
    wanted = range(n_classes) if classes is None else classes
    ious = {int(c): float(inter[c] / union[c]) for c in wanted if union[c] > 0}
    return (float(np.mean(list(ious.values()))) if ious else 0.0), ious


def accuracy(pred, target, ignore=None):
    p, t = _flat(pred, target, ignore)
    return float((p == t).mean()) if t.size else 0.0


def macro_f1(pred, target, n_classes, ignore=None):
    cm = confusion(pred, target, n_classes, ignore)
    scores = []
    for c in range(n_classes):
        if cm[c].sum() == 0:
            continue
        tp = cm[c, c]
        denom = cm[c].sum() + cm[:, c].sum()
        scores.append(2 * tp / denom)
    return float(np.mean(scores)) if scores else 0.0


def _main(argv):
    if len(argv) != 1:
        print('usage: python3 -m models.eval.metrics CASE.json', file=sys.stderr)
        return 2
    with open(argv[0]) as fh:
        case = json.load(fh)
    k, ignore = int(case['n_classes']), case.get('ignore')
    mean, ious = miou(case['pred'], case['target'], k, ignore)
    out = {'miou': mean, 'ious': ious, 'accuracy': accuracy(case['pred'], case['target'], ignore)}
    if k == 2:
        out['f1'] = f1(case['pred'], case['target'], ignore)
        out['counts'] = binary_counts(case['pred'], case['target'], ignore)
    print(json.dumps(out))
    return 0


if __name__ == '__main__':
    sys.exit(_main(sys.argv[1:]))
