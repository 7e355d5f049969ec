"""Helpers shared by the source readers."""
import numpy as np

from ..bands import S2_BANDS
from ..grid import read_on_grid


def s2_from_band_files(files, grid):
    """(10, H, W) float32 S2 stack in SkySense order from {band name: path}; 20/60 m bands are
    bilinearly resampled onto the 10 m reference grid. Missing bands come back as NaN."""
    out = np.full((len(S2_BANDS), grid.height, grid.width), np.nan, dtype=np.float32)
    for i, b in enumerate(S2_BANDS):
        if b in files:
            out[i] = read_on_grid(files[b], grid, 'bilinear')[0]
    return out
