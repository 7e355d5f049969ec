"""Time-series augmentations: temporal subsampling and date jitter.

Two views of a series see different subsets of its dates, so the encoders must agree on what a
place is across seasons and acquisitions; the date jitter keeps the calendar embedding from
keying on an exact day when real revisits drift by days.
"""
import numpy as np


def subsample(rng, n_frames, k):
    """k sorted frame indices out of n_frames (with repetition only when n_frames < k)."""
    if n_frames >= k:
        return np.sort(rng.choice(n_frames, size=k, replace=False))
    return np.sort(rng.choice(n_frames, size=k, replace=True))


def jitter_doy(rng, doy, days=7):
    """Day-of-year (1..365) shifted by up to +-days, wrapped around the year."""
    shift = rng.integers(-days, days + 1, size=np.shape(doy))
    return ((np.asarray(doy) - 1 + shift) % 365 + 1).astype(np.int64)
