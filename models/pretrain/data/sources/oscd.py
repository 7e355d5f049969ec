"""OSCD: 14 cities x 2 Sentinel-2 L1C dates, per-band GeoTIFFs at native 10/20/60 m.

Each city is one 2-frame S2 series on the date-1 10 m grid (B02 of imgs_1). Date 2 is warped
onto that grid because hongkong and saclay_e have a slightly different date-2 grid.
"""
from pathlib import Path

import numpy as np

from ..frames import fill_gaps, yyyymmdd
from ..grid import SourceError, grid_of
from ..sample import Sample
from .common import s2_from_band_files

NAME = 'oscd'


def samples(root):
    base = Path(root) / 'oscd'
    if not base.is_dir():
        return
    for city_dir in sorted(p for p in base.iterdir() if (p / 'imgs_1').is_dir()):
        yield city_sample(city_dir)


def city_sample(city_dir):
    dates_file = city_dir / 'dates.txt'
    if not dates_file.is_file():
        raise SourceError(f'{dates_file}: missing (OSCD city without acquisition dates)')
    dates = {}
    for line in dates_file.read_text().splitlines():
        if ':' in line:
            k, v = line.split(':', 1)
            dates[k.strip()] = yyyymmdd(v)
    ref = city_dir / 'imgs_1' / 'B02.tif'
    grid = grid_of(ref)
    frames = []
    for folder in ('imgs_1', 'imgs_2'):
        files = {p.stem.upper(): p for p in (city_dir / folder).glob('B*.tif')}
        frames.append(s2_from_band_files(files, grid))
    s2 = np.stack(frames)
    if np.isnan(s2).any():
        # date-2 grids of hongkong/saclay_e stop a few pixels short of date 1: fill that rim
        s2, _ = fill_gaps(s2)
    lon, lat = grid.centre_lonlat()
    return Sample(id=f'oscd/{city_dir.name}', source=NAME, lon=lon, lat=lat, latlon_note='georeferenced',
                  s2=s2, s2_dates=np.array([dates['date_1'], dates['date_2']], dtype=np.int32), s2_level='L1C')
