"""CropHarvest Earth Engine export (Togo): 17x17 px, 12 monthly steps of S1 (VV, VH dB) + S2 L1C.

Bands are named in the file ('VV', 'B2', ... for step 0, then 'VV_1', ... for step k). The steps
are 30-day windows from the start date in the file name; each frame is dated at its window's
middle, which is approximate (the export does not store per-step dates).
"""
from pathlib import Path

import numpy as np

from ..bands import s2_indices
from ..frames import add_days, fill_gaps, yyyymmdd
from ..grid import SourceError, grid_of, open_raster, read_array
from ..sample import Sample

NAME = 'cropharvest'
DAYS_PER_STEP = 30


def samples(root):
    base = Path(root) / 'timeseries' / 'cropharvest'
    for p in sorted(base.glob('*.tif')) if base.is_dir() else []:
        ds = open_raster(p)
        names = [ds.GetRasterBand(i + 1).GetDescription() for i in range(ds.RasterCount)]
        data = read_array(p)
        steps = {}
        for i, n in enumerate(names):
            base_name, _, k = n.partition('_')
            if base_name in ('temperature', 'total'):
                continue  # ERA5 and static bands are not SkySense inputs
            step = int(k) if k.isdigit() else 0
            steps.setdefault(step, {})[base_name] = data[i]
        order = sorted(steps)
        s2_names = None
        s2, s1 = [], []
        for k in order:
            chans = steps[k]
            if 'VV' not in chans or 'B2' not in chans:
                continue
            s2_names = list(chans)
            idx = s2_indices(s2_names)
            if min(idx) < 0:
                raise SourceError(f'{p}: step {k} lacks some of B02..B12 ({s2_names})')
            s2.append(np.stack([chans[s2_names[j]] for j in idx]))
            s1.append(np.stack([chans['VV'], chans['VH']]))
        if not s2:
            raise SourceError(f'{p}: no step with both S1 and S2 bands')
        start = yyyymmdd(p.stem.split('_')[1])
        dates = np.array([add_days(start, DAYS_PER_STEP * k + DAYS_PER_STEP // 2) for k in range(len(s2))], dtype=np.int32)
        s2a, _ = fill_gaps(np.stack(s2).astype(np.float32))
        s1a, _ = fill_gaps(np.stack(s1).astype(np.float32))
        lon, lat = grid_of(p).centre_lonlat()
        yield Sample(id=f'cropharvest/{p.stem}', source=NAME, lon=lon, lat=lat, latlon_note='georeferenced',
                     s2=s2a, s2_dates=dates, s2_level='L1C', s1=s1a, s1_dates=dates.copy(),
                     note='frame dates are the middle of 30-day export windows (approximate)')
