"""Real tiles from ../shared/data, read with GDAL, in the band order a manifest asks for.

    oscd_s2(data, city, bands, size, date=1)           -> (C, size, size) float32 DN (x10000 reflectance), L1C
    sen1floods11_s1(data, bands, size)                  -> (C, size, size) float32 dB, NaN kept, and the chip name
    loveda_hr(data, size, image='0.png')                -> (3, size, size) float32 0-255
    ssl4eo_series(data, s2_bands, s1_bands, size)       -> dict with s2 (T, C, size, size) L2A DN, s1 (T, 2, size, size) dB,
                                                           s2_dates / s1_dates ('YYYY-MM-DD') from the folder names
    day_of_year_index(date)                             -> day of year - 1, clamped to 0..364 (the ctpe row)

Every crop is centred in its scene. Bands coarser than 10 m (S2 20 m bands) are resampled
bilinearly onto the 10 m band's grid with gdal.Warp over the crop's own bounds, so only the
window is read. Nothing is written next to the data (PAM off).
"""
import datetime
import os

import numpy as np
from osgeo import gdal

gdal.UseExceptions()
# Reading must never leave .aux.xml files in the read-only data folder.
gdal.SetConfigOption('GDAL_PAM_ENABLED', 'NO')


def _centre_window(width, height, size):
    if width < size or height < size:
        raise ValueError(f'scene {width}x{height} is smaller than the {size} px crop')
    return (width - size) // 2, (height - size) // 2


def _read_on_grid(path, ref_gt, xoff, yoff, size):
    """Band 1 of `path` resampled onto the size x size window at (xoff, yoff) of the reference grid."""
    x0 = ref_gt[0] + xoff * ref_gt[1]
    y0 = ref_gt[3] + yoff * ref_gt[5]
    x1 = x0 + size * ref_gt[1]
    y1 = y0 + size * ref_gt[5]
    ds = gdal.Warp('', path, format='MEM', outputBounds=(x0, min(y0, y1), x1, max(y0, y1)),
                   width=size, height=size, resampleAlg='bilinear', outputType=gdal.GDT_Float32)
    return ds.GetRasterBand(1).ReadAsArray().astype(np.float32)


def _stack_band_files(folder, file_names, size):
    """Per-band files of one scene; the first one that is at 10 m defines the grid."""
    paths = [os.path.join(folder, f) for f in file_names]
    for p in paths:
        if not os.path.exists(p):
            raise FileNotFoundError(p)
    sizes = [(gdal.Open(p).RasterXSize, p) for p in paths]
    ref = max(sizes)[1]
    ref_ds = gdal.Open(ref)
    gt = ref_ds.GetGeoTransform()
    xoff, yoff = _centre_window(ref_ds.RasterXSize, ref_ds.RasterYSize, size)
    out = np.empty((len(paths), size, size), np.float32)
    for i, p in enumerate(paths):
        ds = gdal.Open(p)
        if ds.RasterXSize == ref_ds.RasterXSize and ds.RasterYSize == ref_ds.RasterYSize:
            out[i] = ds.GetRasterBand(1).ReadAsArray(xoff, yoff, size, size).astype(np.float32)
        else:
            out[i] = _read_on_grid(p, gt, xoff, yoff, size)
    return out


def oscd_s2(data, city, bands, size, date=1):
    """OSCD names its files B02.tif ... B8A.tif, matching the manifest's names."""
    folder = os.path.join(data, 'oscd', city, f'imgs_{date}')
    return _stack_band_files(folder, [f'{b}.tif' for b in bands], size)


def sen1floods11_s1(data, bands, size):
    path = os.path.join(data, 's1s2', 'sen1floods11', 'sample', 'S1', 'Spain_7370579_S1Hand.tif')
    ds = gdal.Open(path)
    names = [ds.GetRasterBand(i + 1).GetDescription() for i in range(ds.RasterCount)]
    xoff, yoff = _centre_window(ds.RasterXSize, ds.RasterYSize, size)
    out = np.empty((len(bands), size, size), np.float32)
    for i, b in enumerate(bands):
        if b not in names:
            raise ValueError(f'{path}: no band described {b} (has {names})')
        out[i] = ds.GetRasterBand(names.index(b) + 1).ReadAsArray(xoff, yoff, size, size)
    return out, 'Spain_7370579'


def loveda_hr(data, size, image='0.png'):
    path = os.path.join(data, 'hr', 'loveda', 'img_dir', image)
    ds = gdal.Open(path)
    xoff, yoff = _centre_window(ds.RasterXSize, ds.RasterYSize, size)
    return ds.ReadAsArray(xoff, yoff, size, size)[:3].astype(np.float32)


def _ssl4eo_band_file(band):
    # SSL4EO-S12 writes B2.tif where the manifest says B02; B8A stays B8A.
    return f'B{int(band[1:])}.tif' if band[1:].isdigit() else f'{band}.tif'


def _date_of(folder_name):
    """S2 folders start YYYYMMDDT...; S1 folders are S1A_IW_GRDH_1SDV_YYYYMMDDT... (5th field)."""
    field = folder_name.split('_')[4] if folder_name.startswith('S1') else folder_name
    return datetime.date(int(field[0:4]), int(field[4:6]), int(field[6:8]))


def ssl4eo_series(data, s2_bands, s1_bands, size, level='s2a'):
    root = os.path.join(data, 's1s2', 'ssl4eo-s12')
    s2_dir = os.path.join(root, level, '0000200')
    s1_dir = os.path.join(root, 's1', '0000200')
    s2_frames = sorted(os.listdir(s2_dir), key=_date_of)
    s1_frames = sorted(os.listdir(s1_dir), key=_date_of)
    s2 = np.stack([_stack_band_files(os.path.join(s2_dir, f), [_ssl4eo_band_file(b) for b in s2_bands], size)
                   for f in s2_frames])
    s1 = np.stack([_stack_band_files(os.path.join(s1_dir, f), [f'{b}.tif' for b in s1_bands], size)
                   for f in s1_frames])
    return {
        's2': s2, 's1': s1,
        's2_dates': [_date_of(f).isoformat() for f in s2_frames],
        's1_dates': [_date_of(f).isoformat() for f in s1_frames],
        's2_frames': s2_frames, 's1_frames': s1_frames,
    }


def day_of_year_index(iso_date):
    d = datetime.date.fromisoformat(iso_date)
    return min(d.timetuple().tm_yday - 1, 364)
