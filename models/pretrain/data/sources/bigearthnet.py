"""BigEarthNet v1 and v2 patches: S2 L2A (120 px at 10 m, per-band files) and S1 (VV/VH dB).

A v1 S1 patch whose labels JSON names a staged S2 patch (`corresponding_s2_patch`) becomes one
co-located S1+S2 sample on the S2 grid; every other patch is a single-modality sample.
"""
import json
from pathlib import Path

import numpy as np

from ..bands import normalise_s2_name
from ..frames import fill_gaps, yyyymmdd
from ..grid import SourceError, grid_of, read_on_grid
from ..sample import Sample
from .common import s2_from_band_files

NAME = 'bigearthnet'


def _s2_dirs(base):
    return sorted([p for p in (base / 'v1' / 'BigEarthNet-v1.0').glob('*') if p.is_dir()] +
                  [p for p in (base / 'v2' / 'BigEarthNet-S2').glob('*/*') if p.is_dir()])


def _s1_dirs(base):
    return sorted([p for p in (base / 'v1' / 'BigEarthNet-S1-v1.0').glob('*') if p.is_dir()] +
                  [p for p in (base / 'v2' / 'BigEarthNet-S1').glob('*/*') if p.is_dir()])


def _s1_stack(d, grid):
    vv, vh = d / f'{d.name}_VV.tif', d / f'{d.name}_VH.tif'
    if not vv.is_file() or not vh.is_file():
        raise SourceError(f'{d}: {vv.name} or {vh.name} missing')
    return np.concatenate([read_on_grid(vv, grid), read_on_grid(vh, grid)])[None]


def _s2_stack(d):
    # the band is the last '_' field: one staged v2 patch repeats the patch name in its file names
    files = {normalise_s2_name(p.stem.rsplit('_', 1)[1]): p for p in d.glob('*_B*.tif')}
    if 'B02' not in files:
        raise SourceError(f'{d}: no *_B02.tif band file')
    grid = grid_of(files['B02'])
    return s2_from_band_files(files, grid)[None], grid


def samples(root):
    base = Path(root) / 's1s2' / 'bigearthnet'
    if not base.is_dir():
        return
    s2_dirs = {p.name: p for p in _s2_dirs(base)}
    paired_s2 = {}
    s1_only = []
    for d in _s1_dirs(base):
        meta = d / f'{d.name}_labels_metadata.json'
        partner = json.loads(meta.read_text()).get('corresponding_s2_patch') if meta.is_file() else None
        if partner in s2_dirs:
            paired_s2[partner] = d
        else:
            s1_only.append(d)
    for name, d in s2_dirs.items():
        s2, grid = _s2_stack(d)
        s2, _ = fill_gaps(s2)
        s1 = s1_dates = None
        if name in paired_s2:
            s1, _ = fill_gaps(_s1_stack(paired_s2[name], grid))
            s1_dates = np.array([yyyymmdd(paired_s2[name].name)], dtype=np.int32)
        lon, lat = grid.centre_lonlat()
        yield Sample(id=f'bigearthnet/{name}', source=NAME, lon=lon, lat=lat, latlon_note='georeferenced',
                     s2=s2, s2_dates=np.array([yyyymmdd(name)], dtype=np.int32), s2_level='L2A',
                     s1=s1, s1_dates=s1_dates)
    for d in s1_only:
        grid = grid_of(d / f'{d.name}_VV.tif')
        s1, _ = fill_gaps(_s1_stack(d, grid))
        lon, lat = grid.centre_lonlat()
        yield Sample(id=f'bigearthnet/{d.name}', source=NAME, lon=lon, lat=lat, latlon_note='georeferenced',
                     s1=s1, s1_dates=np.array([yyyymmdd(d.name)], dtype=np.int32))
