"""Helpers that turn the windowed dense features into probe inputs and prediction maps.

API
    gather(windows, rows, cols) -> (N, C) float32: the feature vector of each listed pixel, taken
        from whichever window holds it; every pixel must be covered by a window.
    score_map(windows, fn, h, w, channels) -> (channels, h, w) float32: fn((N, C) features) ->
        (N, channels) applied window by window, so a whole scene of features is never in memory.
"""
import numpy as np


def gather(windows, rows, cols):
    rows = np.asarray(rows)
    cols = np.asarray(cols)
    out, filled = None, np.zeros(len(rows), dtype=bool)
    for y, x, f in windows:
        h, w = f.shape[1:]
        inside = (rows >= y) & (rows < y + h) & (cols >= x) & (cols < x + w)
        if not inside.any():
            continue
        if out is None:
            out = np.empty((len(rows), f.shape[0]), dtype=np.float32)
        idx = np.nonzero(inside)[0]
        out[idx] = f[:, rows[idx] - y, cols[idx] - x].T
        filled[idx] = True
    if out is None or not filled.all():
        raise ValueError(f'{int((~filled).sum())} of {len(rows)} pixels fall in no feature window')
    return out


def score_map(windows, fn, h, w, channels):
    out = np.full((channels, h, w), np.nan, dtype=np.float32)
    for y, x, f in windows:
        c, fh, fw = f.shape
        out[:, y:y + fh, x:x + fw] = fn(f.reshape(c, -1).T).T.reshape(channels, fh, fw)
    if np.isnan(out).any():
        raise ValueError('feature windows do not cover the whole scene')
    return out
