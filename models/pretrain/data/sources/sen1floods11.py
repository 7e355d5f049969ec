"""Sen1Floods11 hand-labelled chip(s): S1 (VV, VH dB) + S2 L1C (13 bands) on one 512 px EPSG:4326 grid.

Dates come from Sen1Floods11_Metadata.geojson (per event: s1_date, s2_date); the chip's event is
the part of its name before the first underscore (e.g. 'Spain').
"""
import json
from pathlib import Path

import numpy as np

from ..bands import s2_indices
from ..frames import fill_gaps, yyyymmdd
from ..grid import SourceError, grid_of, read_array
from ..sample import Sample

NAME = 'sen1floods11'
S2_FILE_BANDS = ('B1', 'B2', 'B3', 'B4', 'B5', 'B6', 'B7', 'B8', 'B8A', 'B9', 'B10', 'B11', 'B12')


def samples(root):
    base = Path(root) / 's1s2' / 'sen1floods11'
    if not base.is_dir():
        return
    meta_path = base / 'Sen1Floods11_Metadata.geojson'
    events = {}
    if meta_path.is_file():
        for f in json.loads(meta_path.read_text())['features']:
            p = f['properties']
            events[p['location']] = (yyyymmdd(p['s1_date']), yyyymmdd(p['s2_date']))
    for s2_path in sorted((base / 'sample' / 'S2').glob('*_S2Hand.tif')):
        chip = s2_path.name[:-len('_S2Hand.tif')]
        event = chip.split('_')[0]
        if event not in events:
            raise SourceError(f'{meta_path}: no event "{event}" for chip {chip}, so its dates are unknown')
        s1_date, s2_date = events[event]
        s1_path = base / 'sample' / 'S1' / f'{chip}_S1Hand.tif'
        s2 = read_array(s2_path)
        if s2.shape[0] != len(S2_FILE_BANDS):
            raise SourceError(f'{s2_path}: {s2.shape[0]} bands, expected 13 (B1..B12 with B8A)')
        s2 = s2[s2_indices(S2_FILE_BANDS)][None]
        s2, _ = fill_gaps(s2)
        s1 = None
        if s1_path.is_file():
            s1, _ = fill_gaps(read_array(s1_path)[None])  # VV, VH dB; NaN nodata
        lon, lat = grid_of(s2_path).centre_lonlat()
        yield Sample(id=f'sen1floods11/{chip}', source=NAME, lon=lon, lat=lat, latlon_note='georeferenced',
                     s2=s2, s2_dates=np.array([s2_date], dtype=np.int32), s2_level='L1C',
                     s1=s1, s1_dates=None if s1 is None else np.array([s1_date], dtype=np.int32))
