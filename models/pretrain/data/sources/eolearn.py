"""eo-learn TestEOPatch (Slovenia): 5 dates of 13-band Sentinel-2 L1C reflectance 0-1, 10 m, EPSG:32633.

Reflectance is scaled by 10000 to SkySense's DN units. Dates whose eo-learn cloud coverage
(timestamps.csv) is above MAX_CLOUD are dropped: two of the five are fully cloudy.
"""
import csv
from pathlib import Path

import numpy as np

from ..bands import s2_indices
from ..frames import fill_gaps, yyyymmdd
from ..grid import SourceError, grid_of, open_raster, read_array
from ..sample import Sample

NAME = 'eolearn_slovenia'
MAX_CLOUD = 0.2


def samples(root):
    base = Path(root) / 'more' / 'eolearn_testeopatch_slovenia'
    files = sorted(base.glob('S2L1C_*.tif')) if base.is_dir() else []
    if not files:
        return
    cloud = {}
    ts = base / 'timestamps.csv'
    if ts.is_file():
        with open(ts, newline='') as f:
            for row in csv.DictReader(f):
                cloud[row['datetime_utc'].replace('-', '').replace(':', '')] = float(row['cloud_coverage'])
    frames, dates = [], []
    for p in files:
        stamp = p.stem.split('_', 1)[1]
        if cloud.get(stamp, 0.0) > MAX_CLOUD:
            continue
        ds = open_raster(p)
        names = [ds.GetRasterBand(i + 1).GetDescription() for i in range(ds.RasterCount)]
        idx = s2_indices(names)
        if min(idx) < 0:
            raise SourceError(f'{p}: band descriptions {names} lack some of B02..B12')
        frames.append(read_array(p)[idx] * 10000.0)
        dates.append(yyyymmdd(stamp))
    if not frames:
        return
    s2, _ = fill_gaps(np.stack(frames).astype(np.float32))
    lon, lat = grid_of(files[0]).centre_lonlat()
    yield Sample(id='eolearn_slovenia/TestEOPatch', source=NAME, lon=lon, lat=lat, latlon_note='georeferenced',
                 s2=s2, s2_dates=np.array(dates, dtype=np.int32), s2_level='L1C')
