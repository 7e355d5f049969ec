"""WorldCereal NetCDF image time series (Belgium, EPSG:32631, 10 m): monthly S2 L2A + S1.

- S2: 9 bands (no B8A), UInt16 reflectance x 10000, 65535 = fill (about 10 % of values). B8A is
  marked invalid in the sample so that training treats it as a dropped band, never as data.
- S1: VV, VH stored as v with dB = 20 log10(v) - 83.
- Time axis 't' is in days since 1990-01-01 (monthly composites, dated the first of the month).
Frames with more than MAX_MISSING fill are dropped (per modality); remaining gaps are filled.
"""
import datetime as dt
from pathlib import Path

import numpy as np

from ..bands import S2_BANDS, normalise_s2_name, worldcereal_to_db
from ..frames import drop_bad_frames, fill_gaps, from_date
from ..grid import SourceError, grid_of, open_raster
from ..sample import Sample

NAME = 'worldcereal'
FILL = 65535
MAX_MISSING = 0.2
EPOCH = dt.date(1990, 1, 1)


def _variables(path):
    ds = open_raster(path)
    out = {}
    for key, value in ds.GetMetadata('SUBDATASETS').items():
        if key.endswith('_NAME'):
            out[value.rsplit(':', 1)[1]] = value
    return out


def _read_var(subdataset):
    ds = open_raster(subdataset)
    a = ds.ReadAsArray().astype(np.float32)
    if a.ndim == 2:
        a = a[None]
    a[(a == FILL) | (a == 0)] = np.nan
    md = ds.GetMetadata()
    days = md.get('NETCDF_DIM_t_VALUES')
    dates = None
    if days:
        dates = np.array([from_date(EPOCH + dt.timedelta(days=int(float(x)))) for x in days.strip('{}').split(',')],
                         dtype=np.int32)
    return a, dates, ds


def _role(var):
    """'s2:<band>' / 's1:VV' / 's1:VH' / None for a NetCDF variable name of either WorldCereal layout."""
    v = var.upper()
    if v.endswith('VV') or v.endswith('VH'):
        return 's1:' + v[-2:]
    name = normalise_s2_name(v)
    if name in S2_BANDS and (v.startswith('B') or v.startswith('S2-')):
        return 's2:' + name
    return None


def samples(root):
    base = Path(root) / 'timeseries' / 'worldcereal'
    for p in sorted(base.glob('*.nc')) if base.is_dir() else []:
        roles = {r: sub for var, sub in _variables(p).items() if (r := _role(var))}
        s2_roles = [r for r in roles if r.startswith('s2:')]
        if not s2_roles:
            continue  # model-output files (classification maps) carry no inputs
        first, dates, ds0 = _read_var(roles[s2_roles[0]])
        if dates is None:
            raise SourceError(f'{p}: no time axis (NETCDF_DIM_t_VALUES) on the S2 variables')
        T, H, W = first.shape
        s2 = np.full((T, len(S2_BANDS), H, W), np.nan, dtype=np.float32)
        valid = np.zeros(len(S2_BANDS), dtype=bool)
        for i, b in enumerate(S2_BANDS):
            if 's2:' + b in roles:
                s2[:, i] = _read_var(roles['s2:' + b])[0]
                valid[i] = True
        keep = np.isnan(s2[:, valid]).mean(axis=(1, 2, 3)) <= MAX_MISSING
        s2, s2_dates = s2[keep], dates[keep]
        s2[:, ~valid] = 0.0
        s2, _ = fill_gaps(s2)
        s1 = s1_dates = None
        if 's1:VV' in roles and 's1:VH' in roles:
            vv, d1, _ = _read_var(roles['s1:VV'])
            vh, _, _ = _read_var(roles['s1:VH'])
            s1 = np.stack([worldcereal_to_db(vv), worldcereal_to_db(vh)], axis=1)
            s1, s1_dates = drop_bad_frames(s1, d1, MAX_MISSING)
            s1, _ = fill_gaps(s1)
        grid = grid_of(roles[s2_roles[0]])
        lon, lat = grid.centre_lonlat()
        yield Sample(id=f'worldcereal/{p.stem}', source=NAME, lon=lon, lat=lat, latlon_note='georeferenced',
                     s2=s2, s2_dates=s2_dates.astype(np.int32), s2_level='L2A', s2_band_valid=valid,
                     s1=s1, s1_dates=None if s1 is None else s1_dates.astype(np.int32),
                     note='monthly composites dated the first of the month; no B8A')
