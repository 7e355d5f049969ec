"""Very-high-resolution optical images: 8-bit R, G, B at their native GSD.

Which folders, with what GSD and location, is a table here (HR_SETS) rather than code, because
the PNG datasets carry neither: the values come from hr/PROVENANCE.md, and a location is given
only where the provenance names one place (a city centre, approximate); otherwise it stays NaN
and the geo-context loss skips the sample. Bi-temporal change pairs (A/B, prev/curr) become one
sample with two HR frames, which gives the real temporal views SkySense contrasts.

Left out on purpose: hr/vaihingen (IRRG false colour, no blue band), more/hrsid_ship (mixed SAR
sensors), samples/*.tif (Landsat 30 m, DEMs, land cover: not HR optical).
"""
import re
from pathlib import Path

import numpy as np

from ..grid import SourceError, grid_of, open_raster, read_array
from ..sample import Sample

NAME = 'hr'

# folder, [frame subfolders], gsd (m), (lon, lat) or None, latlon note
HR_SETS = (
    ('loveda', ('img_dir',), 0.3, None, ''),
    ('potsdam', ('img_dir',), 0.05, (13.06, 52.40), 'city centre (approx.)'),
    ('levir_cd', ('A', 'B'), 0.5, None, ''),
    ('dsifn_cd', ('A', 'B'), float('nan'), None, ''),
    ('whu_cd', ('prev', 'curr'), 0.075, (172.63, -43.53), 'city centre (approx.)'),
    ('dota', ('images',), float('nan'), None, ''),
)
# 11-bit panchromatic DN is stretched to 8 bit between these percentiles and repeated to R=G=B
PAN_STRETCH = (1.0, 99.0)


def _rgb(path):
    ds = open_raster(path)
    if ds.RasterCount < 3:
        raise SourceError(f'{path}: {ds.RasterCount} band(s), expected R, G, B')
    a = read_array(path, (1, 2, 3))
    if np.nanmax(a) > 255:
        raise SourceError(f'{path}: values above 255, not an 8-bit RGB image')
    return np.nan_to_num(a, nan=0.0).astype(np.uint8)


def _dota_gsd(image_path):
    label = image_path.parent.parent / 'labelTxt' / (image_path.stem + '.txt')
    if label.is_file():
        m = re.search(r'gsd:\s*([0-9.]+)', label.read_text()[:200])
        if m:
            return float(m.group(1))
    return float('nan')


def _set_samples(base, folder, frames, gsd, lonlat, note):
    d = base / folder
    if not d.is_dir():
        return
    first = d / frames[0]
    for img in sorted(p for p in first.iterdir() if p.suffix.lower() in ('.png', '.jpg', '.tif')):
        paths = [d / f / img.name for f in frames]
        missing = [str(p) for p in paths if not p.is_file()]
        if missing:
            raise SourceError(f'{missing[0]}: missing partner of {img}')
        hr = np.stack([_rgb(p) for p in paths])
        g = _dota_gsd(img) if folder == 'dota' else gsd
        lon, lat = lonlat if lonlat else (float('nan'), float('nan'))
        yield Sample(id=f'hr/{folder}/{img.stem}', source=f'hr/{folder}', lon=lon, lat=lat, latlon_note=note,
                     hr=hr, hr_gsd=g, hr_dates=np.zeros(len(frames), dtype=np.int32))


def samples(root):
    base = Path(root) / 'hr'
    if not base.is_dir():
        return
    for spec in HR_SETS:
        yield from _set_samples(base, *spec)
    oem = base / 'openearthmap' / 'adelaide_2.tif'
    if oem.is_file():
        g = grid_of(oem)
        lon, lat = g.centre_lonlat()
        yield Sample(id='hr/openearthmap/adelaide_2', source='hr/openearthmap', lon=lon, lat=lat,
                     latlon_note='georeferenced', hr=_rgb(oem)[None], hr_gsd=0.5, hr_dates=np.zeros(1, np.int32))
    pan = base / 'spacenet_atlanta_solaris' / 'sample_geotiff.tif'
    if pan.is_file():
        a = read_array(pan)[0]
        lo, hi = np.nanpercentile(a, PAN_STRETCH)
        grey = np.clip((a - lo) / max(hi - lo, 1e-6) * 255.0, 0, 255)
        grey = np.nan_to_num(grey, nan=0.0).astype(np.uint8)
        lon, lat = grid_of(pan).centre_lonlat()
        yield Sample(id='hr/spacenet/sample_geotiff', source='hr/spacenet', lon=lon, lat=lat, latlon_note='georeferenced',
                     hr=np.repeat(grey[None, None], 3, axis=1), hr_gsd=0.5, hr_dates=np.zeros(1, np.int32),
                     note='panchromatic, percentile-stretched to 8 bit and repeated as R=G=B')
