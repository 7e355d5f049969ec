"""TreeSatAI-Time-Series: the only real HR + S2 + S1 co-located samples (7 forest plots, 60 m).

- Aerial CIR, 0.2 m, 4 bands IR, G, B, R (torchgeo's TreeSatAI band list, from the archive's
  documentation; band 1 being by far the brightest over forest agrees). HR takes R, G, B, i.e.
  bands 4, 2, 3, trimmed by 2 px per side to the 300 px that the 6x6 Sentinel grid covers.
- S2 L2A x 10000, 10 bands per date, date-major; frames with mean cloud or snow probability above
  MAX_CLOUD_PCT are dropped (the series holds every product of the year, cloudy ones too).
- S1 ascending and descending in linear power -> dB, merged into one series sorted by date.
  In the four 2017 plots VV and VH are equal to within 1 dB on every date, which real forest
  backscatter never is (VH sits 4-8 dB under VV in the 2019/2020 plots): those files are left out
  and the sample says so in its note.
The Sentinel grids are placed on the plot centre by the staging (approximate): use the pairing
at plot level, not pixel by pixel.
"""
import csv
from pathlib import Path

import numpy as np

from ..bands import S2_BANDS, linear_to_db
from ..frames import drop_bad_frames, fill_gaps, yyyymmdd
from ..grid import SourceError, grid_of, open_raster, read_array
from ..sample import Sample

NAME = 'treesatai_ts'
MAX_CLOUD_PCT = 10.0
HR_RGB_BANDS = (4, 2, 3)
HR_TRIM = 2
MIN_VV_MINUS_VH_DB = 1.0


def _by_date(path, channels):
    """(T, C, H, W) series of a date-major multi-band file whose band descriptions are
    'YYYYMMDD_<channel>', in the order of `channels`, plus the dates."""
    ds = open_raster(path)
    desc = [ds.GetRasterBand(i + 1).GetDescription() for i in range(ds.RasterCount)]
    data = read_array(path)
    per_date = {}
    # a few dates hold two slices; the later band wins, which keeps one frame per date
    for i, d in enumerate(desc):
        if '_' not in d:
            raise SourceError(f'{path}: band {i + 1} description {d!r} is not YYYYMMDD_<channel>')
        date, ch = d.split('_', 1)
        per_date.setdefault(yyyymmdd(date), {})[ch] = data[i]
    dates = sorted(per_date)
    try:
        series = np.stack([np.stack([per_date[t][c] for c in channels]) for t in dates])
    except KeyError as e:
        raise SourceError(f'{path}: channel {e} missing on some date') from None
    return series.astype(np.float32), np.array(dates, dtype=np.int32)


def _aerial_dates(base):
    out = {}
    labels = base / 'labels.csv'
    if labels.is_file():
        with open(labels, newline='') as f:
            for row in csv.DictReader(f):
                out[row['sample']] = int(row['aerial_date']) if row.get('aerial_date') else 0
    return out


def samples(root):
    base = Path(root) / 'colocated' / 'treesatai_ts'
    if not base.is_dir():
        return
    aerial_dates = _aerial_dates(base)
    for d in sorted(p for p in base.iterdir() if (p / 'aerial_0.2m.tif').is_file()):
        aerial = read_array(d / 'aerial_0.2m.tif', HR_RGB_BANDS)
        t = HR_TRIM
        hr = np.clip(aerial[:, t:aerial.shape[1] - t, t:aerial.shape[2] - t], 0, 255).astype(np.uint8)[None]

        s2, s2_dates = _by_date(d / 's2_l2a_10m.tif', S2_BANDS)
        prob, prob_dates = _by_date(d / 's2_snow_cloud_prob.tif', ['SNOWPROB', 'CLOUDPROB'])
        if not np.array_equal(prob_dates, s2_dates):
            raise SourceError(f'{d}: cloud-probability dates differ from the S2 dates')
        clear = np.nanmean(prob, axis=(2, 3)).max(axis=1) <= MAX_CLOUD_PCT
        s2, s2_dates = drop_bad_frames(s2, s2_dates, keep_mask=clear)
        s2, _ = fill_gaps(s2)

        s1_parts, dropped = [], []
        for f in ('s1_asc_10m.tif', 's1_des_10m.tif'):
            if not (d / f).is_file():
                continue
            series, dates = _by_date(d / f, ['VV', 'VH'])
            db = linear_to_db(series)
            if np.nanmedian(db[:, 0] - db[:, 1]) < MIN_VV_MINUS_VH_DB:
                dropped.append(f)
                continue
            s1_parts.append((db, dates))
        s1 = s1_dates = None
        if s1_parts:
            s1 = np.concatenate([p[0] for p in s1_parts])
            s1_dates = np.concatenate([p[1] for p in s1_parts])
            order = np.argsort(s1_dates, kind='stable')
            s1, _ = fill_gaps(s1[order])
            s1_dates = s1_dates[order]
        note = 'S1/S2 placed on the plot centre by the staging; aerial and satellite years can differ'
        if dropped:
            note += f'; left out {", ".join(dropped)} (VV equals VH: not physical backscatter)'

        lon, lat = grid_of(d / 'aerial_0.2m.tif').centre_lonlat()
        yield Sample(id=f'treesatai_ts/{d.name}', source=NAME, lon=lon, lat=lat, latlon_note='georeferenced',
                     hr=hr, hr_gsd=0.2, hr_dates=np.array([aerial_dates.get(d.name, 0)], dtype=np.int32),
                     s2=s2, s2_dates=s2_dates, s2_level='L2A', s1=s1, s1_dates=s1_dates, note=note)
