"""Land cover from monthly S2 + S1 pixel series (Presto 'fuel_moisture' evaluation set, western US).

Why Presto and not the WorldCereal parquet: Debian 12 ships no pyarrow (python3-pyarrow has no
install candidate) and pip is not used here, so the parquet files cannot be read; the Presto npy
series are the brief's stated fallback. 2313 pixels x 3 monthly steps of S1 (VV, VH dB) and S2
(reflectance x 10000); the label is the pixel's Dynamic World class (a model product, not a field
survey), taken as the most frequent class over its months (ties: the latest month). The
pre-training never saw these pixels. Split: the dataset's own is_test flag.
Features: the fusion cls token of the S2 + S1 series with calendar days (mid-month day of year).
Metric: overall accuracy on the test pixels (macro F1 in the JSON).
"""
from pathlib import Path

import numpy as np

from models.eval.encoder import EvalError
from models.eval.metrics import accuracy, macro_f1
from models.eval.probe import LinearProbe

NAME = 'landcover'
TITLE = 'Presto land cover (S2+S1 monthly series)'
METRIC = 'accuracy'
FOLDER = 'fuel_moisture'
CLASSES = ('water', 'trees', 'grass', 'flooded_vegetation', 'crops', 'shrub_and_scrub', 'built', 'bare', 'snow_and_ice')
# channel order of s1_s2_era5_srtm.npy (timeseries/PROVENANCE.md): VV, VH, B2..B8, B8A, B9, B11, B12, ...
S1_CHANNELS = (0, 1)
S2_CHANNELS = (2, 3, 4, 5, 6, 7, 8, 9, 11, 12)  # B02 B03 B04 B05 B06 B07 B08 B8A B11 B12 (B9 left out)
MID_MONTH_DOY = np.array([16, 45, 75, 105, 136, 166, 197, 228, 258, 289, 319, 350])
QUICK_TRAIN, QUICK_TEST = 200, 100


def majority(labels):
    """Most frequent class per row; a tie goes to the class seen latest."""
    out = np.empty(len(labels), dtype=np.int64)
    for i, row in enumerate(labels):
        counts = np.bincount(row, minlength=len(CLASSES))
        best = np.flatnonzero(counts == counts.max())
        out[i] = next(v for v in row[::-1] if v in best)
    return out


def prepare(root, seed=0, quick=False):
    base = Path(root) / 'timeseries' / 'presto' / FOLDER
    arrays = {}
    for name in ('s1_s2_era5_srtm', 'dynamic_world', 'month', 'is_test'):
        p = base / f'{name}.npy'
        if not p.is_file():
            raise EvalError(f'{p}: missing (Presto land-cover series)')
        arrays[name] = np.load(p)
    x = arrays['s1_s2_era5_srtm']
    if x.ndim != 3 or x.shape[2] != 18:
        raise EvalError(f'{base / "s1_s2_era5_srtm.npy"}: shape {x.shape}, expected (N, T, 18)')
    dw = arrays['dynamic_world']
    if dw.max() >= len(CLASSES):
        raise EvalError(f'{base / "dynamic_world.npy"}: class {int(dw.max())} (missing-data code) present; not handled')
    y = majority(dw.astype(np.int64))
    test = arrays['is_test'].astype(bool)
    tr, te = np.flatnonzero(~test), np.flatnonzero(test)
    if quick:
        tr, te = tr[:QUICK_TRAIN], te[:QUICK_TEST]
    doy = MID_MONTH_DOY[arrays['month'].astype(np.int64)]

    def part(idx):
        return {'s2': x[idx][:, :, S2_CHANNELS].astype(np.float32), 's1': x[idx][:, :, S1_CHANNELS].astype(np.float32),
                'doy': doy[idx], 'y': y[idx]}
    return {'train': part(tr), 'test': part(te)}


def evaluate(data, enc):
    tr, te = data['train'], data['test']
    x_tr = enc.series(tr['s2'], tr['doy'], tr['s1'])
    x_te = enc.series(te['s2'], te['doy'], te['s1'])
    probe = LinearProbe(len(CLASSES)).fit(x_tr, tr['y'])
    pred = probe.logits(x_te).argmax(1)
    return {'value': accuracy(pred, te['y']),
            'extra': {'macro_f1': round(macro_f1(pred, te['y'], len(CLASSES)), 4),
                      'train_pixels': int(len(tr['y'])), 'test_pixels': int(len(te['y'])),
                      'test_classes': {CLASSES[c]: int(n) for c, n in enumerate(np.bincount(te['y'], minlength=len(CLASSES))) if n},
                      'feature_dims': int(x_tr.shape[1]), 'probe_iterations': probe.iterations}}
