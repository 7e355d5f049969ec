"""The source readers against the files themselves: band order, units, dates, grids, locations."""
import json
import unittest

import numpy as np
from osgeo import gdal

from testdata import DATA
from models.pretrain.data.bands import S2_BANDS, linear_to_db
from models.pretrain.data.grid import read_array
from models.pretrain.data.sources import (bigearthnet, cropharvest, eolearn, hr_images, oscd, sen1floods11, ssl4eo,
                                          treesatai, worldcereal)

gdal.UseExceptions()


def raw(path, band=1):
    ds = gdal.Open(str(path))  # kept in a variable: GDAL frees the band with its dataset
    return ds.GetRasterBand(band).ReadAsArray().astype(np.float64)


class OscdTest(unittest.TestCase):
    def test_norcia_bands_dates_location(self):
        city = DATA / 'oscd' / 'norcia'
        s = oscd.city_sample(city).validate()
        self.assertEqual(s.s2.shape, (2, 10, 241, 385))
        self.assertEqual(list(s.s2_dates), [20150711, 20171018])
        # 10 m bands are read untouched, in SkySense order (B02 first, B08 seventh)
        for i, b in enumerate(S2_BANDS):
            if b in ('B02', 'B03', 'B04', 'B08'):
                np.testing.assert_array_equal(s.s2[1, i], raw(city / 'imgs_2' / f'{b}.tif'))
        # a 20 m band is resampled onto the 10 m grid: its mean stays the file's mean
        b11 = raw(city / 'imgs_1' / 'B11.tif')
        self.assertAlmostEqual(float(s.s2[0, 8].mean()) / b11.mean(), 1.0, delta=0.01)
        ring = np.array(json.loads((city / 'norcia.geojson').read_text())['features'][0]['geometry']['coordinates'][0])
        self.assertTrue(ring[:, 0].min() <= s.lon <= ring[:, 0].max() and ring[:, 1].min() <= s.lat <= ring[:, 1].max())

    def test_hongkong_date2_is_put_on_date1_grid(self):
        s = oscd.city_sample(DATA / 'oscd' / 'hongkong').validate()
        self.assertEqual(s.s2.shape[2:], (695, 540))  # date 2 is 693 x 538 in the files
        self.assertTrue(np.isfinite(s.s2).all())


class Sen1Floods11Test(unittest.TestCase):
    def test_band_order_units_dates(self):
        (s,) = list(sen1floods11.samples(DATA))
        s.validate()
        f2 = DATA / 's1s2/sen1floods11/sample/S2/Spain_7370579_S2Hand.tif'
        np.testing.assert_array_equal(s.s2[0, 0], raw(f2, 2))   # B02 is file band 2 (B1 first)
        np.testing.assert_array_equal(s.s2[0, 7], raw(f2, 9))   # B8A is file band 9
        np.testing.assert_array_equal(s.s2[0, 9], raw(f2, 13))  # B12 last
        f1 = raw(DATA / 's1s2/sen1floods11/sample/S1/Spain_7370579_S1Hand.tif', 2)
        ok = np.isfinite(f1)
        np.testing.assert_allclose(s.s1[0, 1][ok], f1[ok], rtol=1e-6)  # VH in dB as stored
        self.assertEqual((int(s.s1_dates[0]), int(s.s2_dates[0])), (20190917, 20190918))
        self.assertAlmostEqual(s.lat, 38.106, places=2)


class Ssl4eoTest(unittest.TestCase):
    def test_two_levels_with_s1_series(self):
        got = {s.s2_level: s.validate() for s in ssl4eo.samples(DATA)}
        self.assertEqual(set(got), {'L1C', 'L2A'})
        self.assertEqual(list(got['L1C'].s2_dates), [20200604, 20200823])
        self.assertEqual(list(got['L2A'].s2_dates), [20200604, 20200813])
        self.assertEqual(list(got['L1C'].s1_dates), [20200607, 20200903])
        self.assertEqual(got['L1C'].s1.shape, (2, 2, 264, 264))
        # VH below VV, as cross-polarised backscatter is
        self.assertLess(float(np.median(got['L1C'].s1[:, 1])), float(np.median(got['L1C'].s1[:, 0])))


class BigEarthNetTest(unittest.TestCase):
    def test_pairs_and_singles(self):
        made = [s.validate() for s in bigearthnet.samples(DATA)]
        mods = [s.modalities for s in made]
        self.assertEqual(mods.count(('s2', 's1')), 3)
        self.assertEqual(mods.count(('s2',)), 11)
        self.assertEqual(mods.count(('s1',)), 10)
        pair = next(s for s in made if s.id.endswith('S2A_MSIL2A_20171221T112501_56_35'))
        self.assertEqual(pair.s1.shape, (1, 2, 120, 120))
        self.assertEqual(int(pair.s1_dates[0]), 20171221)


class TreeSatAITest(unittest.TestCase):
    def test_hr_rgb_s2_cloud_filter_s1_db(self):
        made = {s.id.split('/')[-1]: s.validate() for s in treesatai.samples(DATA)}
        self.assertEqual(len(made), 7)
        s = made['Betula_spec._1_15679_WEFL_NLF']
        d = DATA / 'colocated/treesatai_ts/Betula_spec._1_15679_WEFL_NLF'
        aerial = read_array(d / 'aerial_0.2m.tif')
        np.testing.assert_array_equal(s.hr[0, 0], aerial[3, 2:302, 2:302])  # R is band 4 (IR, G, B, R)
        np.testing.assert_array_equal(s.hr[0, 2], aerial[2, 2:302, 2:302])  # B is band 3
        self.assertEqual(s.s2.shape[2:], (6, 6))
        self.assertLess(s.s2.shape[0], 146)  # cloudy frames were dropped
        # the first ascending S1 frame, converted to dB
        asc = gdal.Open(str(d / 's1_asc_10m.tif'))
        vv = asc.GetRasterBand(1).ReadAsArray()
        t = list(s.s1_dates).index(int(asc.GetRasterBand(1).GetDescription()[:8]))
        np.testing.assert_allclose(s.s1[t, 0], linear_to_db(vv), atol=1e-4)
        # the 2017 plots store VV equal to VH: their S1 is left out
        self.assertIsNone(made['Betula_spec._5_17172_WEFL_NLF'].s1)
        self.assertIn('VV equals VH', made['Betula_spec._5_17172_WEFL_NLF'].note)


class TimeSeriesTest(unittest.TestCase):
    def test_worldcereal_units_and_missing_b8a(self):
        made = [s.validate() for s in worldcereal.samples(DATA)]
        self.assertEqual(len(made), 2)
        s = next(m for m in made if '50x48' in m.id)
        self.assertFalse(s.s2_band_valid[S2_BANDS.index('B8A')])
        self.assertEqual(int(s.s1_dates[0]), 20200801)
        nc = DATA / 'timeseries/worldcereal/wc_inputs_belgium_31UFS_50x48_20months.nc'
        vv = raw(f'NETCDF:"{nc}":VV')
        np.testing.assert_allclose(s.s1[0, 0], 20 * np.log10(vv) - 83, atol=1e-3)

    def test_eolearn_cloudy_dates_dropped_and_scaled(self):
        (s,) = list(eolearn.samples(DATA))
        s.validate()
        self.assertEqual(list(s.s2_dates), [20150711, 20150830, 20150909])
        f = DATA / 'more/eolearn_testeopatch_slovenia/S2L1C_20150711T100008.tif'
        np.testing.assert_allclose(s.s2[0, 0], raw(f, 2) * 10000, rtol=1e-5)

    def test_cropharvest_monthly_series(self):
        (s,) = list(cropharvest.samples(DATA))
        s.validate()
        self.assertEqual(s.s2.shape, (12, 10, 17, 17))
        self.assertEqual(s.s1.shape, (12, 2, 17, 17))


class HrTest(unittest.TestCase):
    def test_hr_sets(self):
        made = {s.id: s.validate() for s in hr_images.samples(DATA)}
        self.assertFalse(any('vaihingen' in k for k in made))  # IRRG, not RGB
        levir = made['hr/levir_cd/test_2_0000_0000']
        self.assertEqual(levir.hr.shape, (2, 3, 256, 256))
        self.assertEqual(made['hr/dota/P0706'].hr_gsd, 0.255589285596)
        pan = made['hr/spacenet/sample_geotiff'].hr
        np.testing.assert_array_equal(pan[:, 0], pan[:, 2])
        self.assertAlmostEqual(made['hr/openearthmap/adelaide_2'].lat, -34.38, places=1)
        self.assertTrue(np.isnan(made['hr/loveda/0'].lat))


if __name__ == '__main__':
    unittest.main()
