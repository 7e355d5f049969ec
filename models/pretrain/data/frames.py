"""Dates and gap handling for image time series.

Real series have cloudy or partly missing frames. Frames that are mostly missing carry no
signal worth contrasting and are dropped; the few missing pixels left are filled so that the
encoders never see NaN.
"""
import datetime as dt
import re
import warnings

import numpy as np


def yyyymmdd(text):
    """First YYYYMMDD or YYYY-MM-DD or YYYY/MM/DD date in `text` as an int."""
    m = re.search(r'(19|20)(\d{2})[-/]?(\d{2})[-/]?(\d{2})', str(text))
    if not m:
        raise ValueError(f'no date in {text!r}')
    v = int(m.group(1) + m.group(2) + m.group(3) + m.group(4))
    to_date(v)  # rejects impossible dates
    return v


def to_date(v):
    v = int(v)
    return dt.date(v // 10000, v // 100 % 100, v % 100)


def from_date(d):
    return d.year * 10000 + d.month * 100 + d.day


def day_of_year(v):
    """1..366 for a YYYYMMDD int (vectorised over arrays)."""
    if np.ndim(v):
        return np.array([day_of_year(x) for x in np.asarray(v).ravel()], dtype=np.int32).reshape(np.shape(v))
    return to_date(v).timetuple().tm_yday


def add_days(v, days):
    return from_date(to_date(v) + dt.timedelta(days=int(days)))


def drop_bad_frames(series, dates, max_missing=0.2, keep_mask=None):
    """Drops frames with more than `max_missing` NaN pixels (or where keep_mask is False)."""
    miss = np.isnan(series).mean(axis=(1, 2, 3))
    keep = miss <= max_missing
    if keep_mask is not None:
        keep &= np.asarray(keep_mask, dtype=bool)
    return series[keep], np.asarray(dates)[keep]


def fill_gaps(series):
    """NaN pixels of a (T, C, H, W) series: the same pixel's median over the other frames, then
    the frame-band median. Returns (filled, fraction that was missing)."""
    a = series.astype(np.float32, copy=True)
    miss = np.isnan(a)
    frac = float(miss.mean()) if a.size else 0.0
    if not miss.any():
        return a, frac
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', RuntimeWarning)  # all-NaN slices are expected and handled below
        temporal = np.nanmedian(a, axis=0, keepdims=True)
        a = np.where(miss, np.broadcast_to(temporal, a.shape), a)
        spatial = np.nanmedian(a.reshape(a.shape[0], a.shape[1], -1), axis=2)[:, :, None, None]
    still = np.isnan(a)
    if still.any():
        spatial = np.where(np.isnan(spatial), 0.0, spatial)
        a = np.where(still, np.broadcast_to(spatial, a.shape), a)
    return a.astype(np.float32), frac

