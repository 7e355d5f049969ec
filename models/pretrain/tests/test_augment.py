"""Augmentations on real pixels: the properties each one must keep."""
import unittest

import numpy as np
import torch

from testdata import DATA, sen1floods11_sample
from models.pretrain.augment import geometry, multispectral, optical, sar, temporal
from models.pretrain.data.sources import hr_images


def real_s1_s2():
    s = sen1floods11_sample()
    return s.s1[:, :, :64, :64].copy(), s.s2[:, :, :64, :64].copy()


class GeometryTest(unittest.TestCase):
    def test_every_dihedral_is_undone(self):
        s1, s2 = real_s1_s2()
        for code in range(8):
            np.testing.assert_array_equal(geometry.inverse_dihedral(geometry.dihedral(s2, code), code), s2)
            t = torch.from_numpy(s1)
            self.assertTrue(torch.equal(geometry.inverse_dihedral(geometry.dihedral(t, code), code), t))
        # the eight transforms are distinct on a real (non-symmetric) image
        self.assertEqual(len({geometry.dihedral(s2[0, 0], c).tobytes() for c in range(8)}), 8)

    def test_hr_crop_brings_gsd_near_target(self):
        potsdam = next(s for s in hr_images.samples(DATA) if 'potsdam' in s.id)
        rng = np.random.default_rng(0)
        out = geometry.hr_crop(rng, potsdam.hr, potsdam.hr_gsd, out_px=256, target_gsd=0.3)
        self.assertEqual(out.shape, (1, 3, 256, 256))
        # 256 px at 0.3 m is 77 m; Potsdam (0.05 m, 512 px = 25.6 m) can only give its whole extent,
        # so the crop is the whole image shrunk, and keeps the image's mean colour
        self.assertAlmostEqual(float(out.mean()), float(potsdam.hr.mean()), delta=2.0)


class SpectralTest(unittest.TestCase):
    def test_band_dropout_keeps_a_band_and_zeroes_invalid(self):
        _, s2 = real_s1_s2()
        valid = np.ones(10, bool)
        valid[7] = False
        rng = np.random.default_rng(1)
        for _ in range(50):
            x, keep = multispectral.band_dropout(rng, s2, valid, p=0.9, max_drop=10)
            self.assertFalse(keep[7])
            self.assertTrue(np.all(x[:, 7] == 0))
            self.assertGreaterEqual(int(keep.sum()), 1)
            np.testing.assert_array_equal(x[:, keep], s2[:, keep])

    def test_band_gain_is_per_band_and_small(self):
        _, s2 = real_s1_s2()
        g = multispectral.band_gain(np.random.default_rng(2), s2) / s2
        per_band = g.reshape(g.shape[0], g.shape[1], -1)
        self.assertTrue(np.allclose(per_band, per_band[:, :, :1], rtol=1e-5))
        self.assertTrue(np.all(np.abs(per_band - 1) <= 0.05 + 1e-6))


class SarTest(unittest.TestCase):
    def test_calibration_offset_keeps_polarisation_contrast(self):
        s1, _ = real_s1_s2()
        y = sar.calibration_offset(np.random.default_rng(3), s1)
        np.testing.assert_allclose(y[:, 0] - y[:, 1], s1[:, 0] - s1[:, 1], atol=1e-4)

    def test_speckle_is_multiplicative_in_power(self):
        s1, _ = real_s1_s2()
        y = sar.speckle(np.random.default_rng(4), s1, looks=(8.0, 8.0), p=1.0)
        power_ratio = 10 ** ((y - s1) / 10)
        self.assertAlmostEqual(float(power_ratio.mean()), 1.0, delta=0.02)  # unbiased in power
        self.assertGreater(float(power_ratio.std()), 0.2)


class OpticalTest(unittest.TestCase):
    def test_photometric_stays_in_8bit_range(self):
        img = next(s for s in hr_images.samples(DATA) if 'loveda/0' in s.id).hr[:, :, :128, :128].astype(np.float32)
        rng = np.random.default_rng(5)
        for _ in range(5):
            y = optical.augment_hr(rng, img)
            self.assertEqual(y.shape, img.shape)
            self.assertTrue(0 <= y.min() and y.max() <= 255)
        g = optical.grayscale(rng, img, p=1.0)
        np.testing.assert_array_equal(g[:, 0], g[:, 1])


class TemporalTest(unittest.TestCase):
    def test_subsample_and_date_jitter(self):
        rng = np.random.default_rng(6)
        for n, k in ((10, 4), (2, 4), (1, 1)):
            idx = temporal.subsample(rng, n, k)
            self.assertEqual(len(idx), k)
            self.assertTrue(np.all(np.diff(idx) >= 0) and idx.max() < n)
            if n >= k:
                self.assertEqual(len(set(idx.tolist())), k)
        doy = np.array([1, 180, 365])
        for _ in range(20):
            j = temporal.jitter_doy(rng, doy, days=7)
            self.assertTrue(np.all((j >= 1) & (j <= 365)))
            circ = np.minimum(np.abs(j - doy), 365 - np.abs(j - doy))
            self.assertTrue(np.all(circ <= 7))


if __name__ == '__main__':
    unittest.main()
