"""Cuts scenes into training tiles so that a big city scene and a 120 px patch weigh the same
per tile, not per scene, when the sampler draws from them.

Tiles are laid edge to edge; the last row/column is shifted back to end on the scene edge
(overlapping its neighbour) so no pixel is dropped. HR+S2 co-located samples are kept whole:
they are small, and cutting them would break the HR/S2 footprint pairing.
"""
from dataclasses import replace

import numpy as np


def starts(size, tile):
    if size <= tile:
        return [0]
    s = list(range(0, size - tile + 1, tile))
    if s[-1] + tile < size:
        s.append(size - tile)
    return s


def tile_sample(sample, s2_tile=32, hr_tile=512):
    """Tiles of one sample (the sample itself when it is small or co-located across HR and S2/S1)."""
    if sample.hr is not None and (sample.s2 is not None or sample.s1 is not None):
        return [sample]
    if sample.hr is not None:
        key, tile = 'hr', hr_tile
    else:
        key, tile = ('s2' if sample.s2 is not None else 's1'), s2_tile
    h, w = getattr(sample, key).shape[2:]
    if h <= tile and w <= tile:
        return [sample]
    out = []
    for y in starts(h, tile):
        for x in starts(w, tile):
            win = (slice(None), slice(None), slice(y, y + tile), slice(x, x + tile))
            parts = {m: getattr(sample, m)[win] for m in ('hr', 's2', 's1') if getattr(sample, m) is not None}
            out.append(replace(sample, id=f'{sample.id}@{y},{x}', **parts))
    return out


def compact(sample):
    """Smaller dtypes for caching and keeping every tile in memory: S2 reflectance x 10000 as
    uint16 (sub-DN precision is noise), S1 dB as float16 (0.01 dB steps)."""
    kw = {}
    if sample.s2 is not None:
        kw['s2'] = np.clip(np.rint(sample.s2), 0, 65535).astype(np.uint16)
    if sample.s1 is not None:
        kw['s1'] = sample.s1.astype(np.float16)
    return replace(sample, **kw)
