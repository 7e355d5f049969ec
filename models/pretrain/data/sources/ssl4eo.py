"""SSL4EO-S12 raw layout: per location, S1 GRD (VV/VH dB), S2 L2A (s2a/) and L1C (s2c/) at two dates.

One sample per location and S2 product level: the level's 2-date S2 series plus the location's
2-date S1 series, all on the first S2 date's 10 m grid (the S1 grid is offset by ~40 m and is
warped onto it). L1C and L2A are kept as separate samples because a series should not mix
top-of-atmosphere and surface reflectance.
"""
from pathlib import Path

import numpy as np

from ..bands import normalise_s2_name
from ..frames import fill_gaps, yyyymmdd
from ..grid import SourceError, grid_of, read_on_grid
from ..sample import Sample
from .common import s2_from_band_files

NAME = 'ssl4eo-s12'
LEVELS = (('s2c', 'L1C'), ('s2a', 'L2A'))


def samples(root):
    base = Path(root) / 's1s2' / 'ssl4eo-s12'
    if not base.is_dir():
        return
    locations = sorted({p.name for lv, _ in LEVELS if (base / lv).is_dir() for p in (base / lv).iterdir()})
    for loc in locations:
        s1_dirs = sorted((base / 's1' / loc).glob('*')) if (base / 's1' / loc).is_dir() else []
        for folder, level in LEVELS:
            date_dirs = sorted((base / folder / loc).glob('*'), key=lambda p: yyyymmdd(p.name))
            if not date_dirs:
                continue
            grid = grid_of(date_dirs[0] / 'B2.tif')
            frames, dates = [], []
            for d in date_dirs:
                files = {normalise_s2_name(p.stem): p for p in d.glob('B*.tif')}
                frames.append(s2_from_band_files(files, grid))
                dates.append(yyyymmdd(d.name))
            s2, _ = fill_gaps(np.stack(frames))
            s1 = s1_dates = None
            if s1_dirs:
                s1_frames = []
                for d in sorted(s1_dirs, key=lambda p: yyyymmdd(p.name)):
                    if not (d / 'VV.tif').is_file() or not (d / 'VH.tif').is_file():
                        raise SourceError(f'{d}: VV.tif or VH.tif missing')
                    s1_frames.append(np.concatenate([read_on_grid(d / 'VV.tif', grid), read_on_grid(d / 'VH.tif', grid)]))
                s1, _ = fill_gaps(np.stack(s1_frames))
                s1_dates = np.array(sorted(yyyymmdd(d.name) for d in s1_dirs), dtype=np.int32)
            lon, lat = grid.centre_lonlat()
            yield Sample(id=f'ssl4eo-s12/{loc}/{level}', source=NAME, lon=lon, lat=lat, latlon_note='georeferenced',
                         s2=s2, s2_dates=np.array(dates, dtype=np.int32), s2_level=level, s1=s1, s1_dates=s1_dates)
