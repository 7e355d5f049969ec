"""Sentinel-2 augmentations: per-band gain, sensor noise, band dropout.

No RGB colour jitter: S2 reflectance is physical, and hue/saturation have no meaning for 10
bands. The gain jitter stands in for the real variation between L1C and L2A products and
between atmospheres (a few percent per band); band dropout teaches the encoder to cope with a
missing band (WorldCereal has no B8A, users may bring 4-band data) and is applied after
normalisation, where 0 is the band mean, the value a missing band gets at inference too.
"""
import numpy as np


def band_gain(rng, x, spread=0.05):
    """x: (T, C, H, W) reflectance; one multiplicative gain per band, shared over frames."""
    g = rng.uniform(1 - spread, 1 + spread, size=(1, x.shape[1], 1, 1)).astype(np.float32)
    return x * g


def sensor_noise(rng, x, sigma=20.0):
    """Additive Gaussian noise in reflectance x 10000 units (~0.002 reflectance)."""
    return x + rng.normal(0.0, sigma, size=x.shape).astype(np.float32)


def band_dropout(rng, x_norm, valid, p=0.15, max_drop=3):
    """x_norm: (T, C, H, W) normalised. Sets invalid bands and up to max_drop random bands to 0
    (the band mean). Returns (x, kept mask (C,))."""
    keep = np.asarray(valid, dtype=bool).copy()
    candidates = np.flatnonzero(keep)
    drop = candidates[rng.random(len(candidates)) < p][:max_drop]
    if len(drop) >= len(candidates):
        drop = drop[:-1]  # never drop every band
    keep[drop] = False
    out = x_norm.copy()
    out[:, ~keep] = 0.0
    return out, keep
