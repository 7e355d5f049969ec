"""Band orders, units and normalisation of the three SkySense inputs.

The encoders take S2 as reflectance x 10000 in the order below, S1 as backscatter in dB
(VV, VH), HR as 8-bit R, G, B. Every source converts to these units before a sample is made,
so the training code never needs to know where a pixel came from.
"""
import numpy as np

S2_BANDS = ('B02', 'B03', 'B04', 'B05', 'B06', 'B07', 'B08', 'B8A', 'B11', 'B12')
S1_BANDS = ('VV', 'VH')
HR_BANDS = ('R', 'G', 'B')

# SkySense++ global statistics (SKYSENSE.md section 3): the v1 values are unpublished and these
# are the best proxy, so the exported manifest must carry them with the model.
S2_MEAN = np.array([884.30, 1144.16, 1297.47, 1624.91, 2194.64, 2422.21, 2517.76, 2581.65, 2368.51, 1805.07],
                   dtype=np.float32)
S2_STD = np.array([1155.15, 1183.63, 1368.11, 1370.27, 1355.55, 1416.51, 1474.79, 1439.31, 1455.52, 1343.48],
                  dtype=np.float32)
S1_MEAN = np.array([-12.548, -20.192], dtype=np.float32)
S1_STD = np.array([5.257, 5.912], dtype=np.float32)
HR_MEAN = np.array([123.675, 116.28, 103.53], dtype=np.float32)
HR_STD = np.array([58.395, 57.12, 57.375], dtype=np.float32)

# The floor keeps log10 finite for zero-power pixels (radar shadow, border fill); -50 dB is
# below the Sentinel-1 noise floor, so no real signal is clipped.
DB_FLOOR = -50.0


def linear_to_db(power):
    """Backscatter power (linear sigma0) to dB."""
    p = np.asarray(power, dtype=np.float64)
    with np.errstate(divide='ignore', invalid='ignore'):
        db = 10.0 * np.log10(p)
    db = np.where(np.isfinite(db), np.maximum(db, DB_FLOOR), np.nan)
    return db.astype(np.float32)


def worldcereal_to_db(scaled):
    """WorldCereal stores S1 as v with dB = 20 log10(v) - 83 (timeseries/PROVENANCE.md)."""
    v = np.asarray(scaled, dtype=np.float64)
    with np.errstate(divide='ignore', invalid='ignore'):
        db = 20.0 * np.log10(v) - 83.0
    db = np.where(np.isfinite(db), np.maximum(db, DB_FLOOR), np.nan)
    return db.astype(np.float32)


def s2_indices(band_names):
    """Position of each SkySense S2 band in a source's band list; -1 where the source lacks it."""
    lookup = {normalise_s2_name(n): i for i, n in enumerate(band_names)}
    return [lookup.get(b, -1) for b in S2_BANDS]


def normalise_s2_name(name):
    """'B2', 'b02', 'S2-L2A-B02', 'B8a' -> 'B02' / 'B8A' so that sources can name bands their own way."""
    n = name.upper().split('-')[-1].split('_')[-1]
    if not n.startswith('B'):
        return n
    rest = n[1:]
    if rest.endswith('A'):
        return 'B' + rest[:-1].zfill(1) + 'A'
    return 'B' + rest.zfill(2)
