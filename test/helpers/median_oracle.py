"""The Deepness plugin's small-segment filter, redone with numpy on a class raster read by GDAL.

    /usr/bin/python3 test/helpers/median_oracle.py CLASS.tif WINDOW OUT.raw

As the plugin: pixels outside the processing area are 0 and class c is c + 1 (here nodata 255
is that 0), cv2.medianBlur(img, WINDOW) with the edges replicated, then back to class ids.
Writes the filtered raster as raw bytes, row-major.
"""
import sys

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from osgeo import gdal


def main(path, window, out):
    ds = gdal.Open(path)
    band = ds.GetRasterBand(1)
    # ReadRaster, not ReadAsArray: Debian's gdal_array crashes when it is loaded before torch.
    a = np.frombuffer(band.ReadRaster(buf_type=gdal.GDT_Byte), dtype=np.uint8).reshape(ds.RasterYSize, ds.RasterXSize).astype(np.int32)
    nodata = int(band.GetNoDataValue())
    v = np.where(a == nodata, 0, a + 1)
    r = window // 2
    p = np.pad(v, r, mode='edge')
    med = np.median(sliding_window_view(p, (window, window)), axis=(2, 3)).astype(np.int32)
    res = np.where(med == 0, nodata, med - 1).astype(np.uint8)
    res.tofile(out)
    print(int((res != a).sum()))


if __name__ == '__main__':
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
