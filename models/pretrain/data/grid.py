"""Pixel grids and reading any raster onto one with GDAL.

Sources mix 10/20/60 m bands, slightly shifted S1/S2 grids (SSL4EO), and date-2 rasters with a
different pixel size (OSCD hongkong, saclay_e). Warping every band onto one reference grid is
the single operation that handles all of them, and GDAL's warper does it without us touching
projections by hand.
"""
from dataclasses import dataclass

import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()


class SourceError(ValueError):
    """A source file is missing or not what its PROVENANCE.md says; the message names the file."""


@dataclass(frozen=True)
class Grid:
    wkt: str
    transform: tuple
    width: int
    height: int

    @property
    def bounds(self):
        x0, dx, _, y0, _, dy = self.transform
        xs = (x0, x0 + dx * self.width)
        ys = (y0, y0 + dy * self.height)
        return min(xs), min(ys), max(xs), max(ys)

    def centre_lonlat(self):
        """Centre of the grid in WGS84 degrees (lon, lat); NaN when the grid has no CRS."""
        if not self.wkt:
            return float('nan'), float('nan')
        xmin, ymin, xmax, ymax = self.bounds
        src = osr.SpatialReference()
        src.ImportFromWkt(self.wkt)
        dst = osr.SpatialReference()
        dst.ImportFromEPSG(4326)
        for s in (src, dst):
            s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        lon, lat, _ = osr.CoordinateTransformation(src, dst).TransformPoint((xmin + xmax) / 2, (ymin + ymax) / 2)
        return float(lon), float(lat)


def open_raster(path):
    try:
        ds = gdal.Open(str(path))
    except RuntimeError as e:
        raise SourceError(f'{path}: GDAL cannot open it ({e})') from None
    if ds is None:
        raise SourceError(f'{path}: GDAL cannot open it')
    return ds


def grid_of(path):
    ds = open_raster(path)
    return Grid(ds.GetProjection(), tuple(ds.GetGeoTransform()), ds.RasterXSize, ds.RasterYSize)


def read_array(path, bands=None):
    """All (or the listed 1-based) bands of a raster as float32 (bands, H, W), nodata as NaN."""
    ds = open_raster(path)
    idx = list(bands) if bands is not None else list(range(1, ds.RasterCount + 1))
    out = np.empty((len(idx), ds.RasterYSize, ds.RasterXSize), dtype=np.float32)
    for k, b in enumerate(idx):
        band = ds.GetRasterBand(b)
        a = band.ReadAsArray().astype(np.float32)
        nd = band.GetNoDataValue()
        if nd is not None and not np.isnan(nd):
            a[a == np.float32(nd)] = np.nan
        out[k] = a
    return out


def read_on_grid(path, grid, resample='bilinear', bands=None):
    """Bands of `path` warped onto `grid` as float32 (bands, H, W); nodata and outside-footprint as NaN.

    Rasters already on the grid are read directly, so 10 m bands are never touched by the warper.
    """
    ds = open_raster(path)
    same = (ds.RasterXSize == grid.width and ds.RasterYSize == grid.height
            and np.allclose(ds.GetGeoTransform(), grid.transform, rtol=0, atol=1e-9)
            and (not grid.wkt or _same_crs(ds.GetProjection(), grid.wkt)))
    if same:
        return read_array(path, bands)
    if not ds.GetProjection() or not grid.wkt:
        raise SourceError(f'{path}: no CRS, cannot be warped onto the reference grid')
    opts = gdal.WarpOptions(format='MEM', outputBounds=grid.bounds, width=grid.width, height=grid.height,
                            dstSRS=grid.wkt, resampleAlg=resample, outputType=gdal.GDT_Float32,
                            dstNodata=float('nan'), multithread=False)
    warped = gdal.Warp('', ds, options=opts)
    idx = list(bands) if bands is not None else list(range(1, warped.RasterCount + 1))
    return np.stack([warped.GetRasterBand(b).ReadAsArray().astype(np.float32) for b in idx])


def _same_crs(a, b):
    sa, sb = osr.SpatialReference(), osr.SpatialReference()
    sa.ImportFromWkt(a)
    sb.ImportFromWkt(b)
    return bool(sa.IsSame(sb))
