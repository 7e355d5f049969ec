"""Sentinel-1 (VV, VH in dB) augmentations: speckle and calibration offset, never colour jitter.

Backscatter in dB is a physical quantity whose contrast between VV and VH carries meaning, so
no per-channel gain or contrast change is applied. Speckle is multiplicative in power, i.e.
additive in dB: a Gamma(L, 1/L) power factor with L looks; the offset shifts both polarisations
together, like a calibration or incidence-angle difference between acquisitions.
"""
import numpy as np


def speckle(rng, x_db, looks=(4.0, 16.0), p=0.5):
    if rng.random() >= p:
        return x_db
    L = rng.uniform(*looks)
    factor = rng.gamma(L, 1.0 / L, size=x_db.shape).astype(np.float32)
    return x_db + 10.0 * np.log10(np.maximum(factor, 1e-6))


def calibration_offset(rng, x_db, spread=1.0):
    return x_db + np.float32(rng.uniform(-spread, spread))
