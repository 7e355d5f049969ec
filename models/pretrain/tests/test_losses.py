"""Contrastive, cross-modal and geo-prototype losses: matched beats shuffled, gradients flow where
they should, prototypes follow their EMA rule. Features are built from real S2/S1 pixels."""
import unittest

import torch
import torch.nn.functional as F

from testdata import sen1floods11_sample
from models.pretrain.data.bands import S1_MEAN, S1_STD, S2_MEAN, S2_STD
from models.pretrain.losses.cross_modal import cross_modal_alignment
from models.pretrain.losses.geo_prototypes import geo_prototype_loss
from models.pretrain.losses.info_nce import info_nce
from models.pretrain.losses.mgcl import image_contrast, object_contrast, pixel_contrast
from models.reference.geo_context import GeoContext


def real_maps(seed=0, b=8, size=8, dim=32):
    """(student, teacher) (B, dim, size, size) maps: real S2 chips lifted by a fixed random linear
    map (a stand-in encoder); the teacher is the same chip with a little noise."""
    s = sen1floods11_sample()
    g = torch.Generator().manual_seed(seed)
    x = torch.from_numpy((s.s2[0] - S2_MEAN[:, None, None]) / S2_STD[:, None, None])
    chips = torch.stack([x[:, 64 * i:64 * i + size, 64 * i:64 * i + size] for i in range(b)])
    w = torch.randn(dim, 10, generator=g)
    stud = torch.einsum('dc,bchw->bdhw', w, chips)
    teach = stud + 0.05 * torch.randn(stud.shape, generator=g)
    return stud, teach, chips


class ContrastTest(unittest.TestCase):
    def test_info_nce_matched_below_shuffled(self):
        s, t, _ = real_maps()
        q, k = s.mean((2, 3)), t.mean((2, 3))
        perm = torch.roll(torch.arange(q.shape[0]), 1)
        self.assertLess(float(info_nce(q, k)), float(info_nce(q, k[perm])))

    def test_pixel_level(self):
        s, t, _ = real_maps()
        g = torch.Generator().manual_seed(0)
        matched = pixel_contrast(s, t, max_pixels=256, generator=g)
        shifted = pixel_contrast(s, torch.roll(t, shifts=3, dims=3), max_pixels=256, generator=torch.Generator().manual_seed(0))
        self.assertLess(float(matched), float(shifted))

    def test_image_level(self):
        s, t, _ = real_maps()
        self.assertLess(float(image_contrast(s, t)), float(image_contrast(s, torch.roll(t, 1, 0))))

    def test_object_level(self):
        s, t, _ = real_maps()
        protos = torch.nn.Parameter(torch.randn(6, s.shape[1]))
        s = s.clone().requires_grad_(True)
        assign, obj, codes = object_contrast(s, t, protos)
        torch.testing.assert_close(codes.sum(-1), torch.ones(codes.shape[:2]), atol=1e-4, rtol=0)
        (assign + obj).backward()
        self.assertGreater(float(protos.grad.abs().sum()), 0)  # swapped prediction trains the prototypes
        self.assertGreater(float(s.grad.abs().sum()), 0)
        _, obj_shuffled, _ = object_contrast(s.detach(), torch.roll(t, 1, 0), protos)
        self.assertLess(float(obj), float(obj_shuffled))

    def test_single_item_gives_zero_not_nan(self):
        q = torch.randn(1, 8, requires_grad=True)
        self.assertEqual(float(info_nce(q, q)), 0.0)


class CrossModalTest(unittest.TestCase):
    def test_colocated_s2_s1_align_better_than_mismatched(self):
        """S2 and S1 of one real chip, each through its own fixed linear 'encoder' into one space:
        after fitting the S1 map to the S2 one, matched places must score lower than shuffled ones."""
        smp = sen1floods11_sample()
        s2 = torch.from_numpy((smp.s2[0] - S2_MEAN[:, None, None]) / S2_STD[:, None, None])
        s1 = torch.from_numpy((smp.s1[0] - S1_MEAN[:, None, None]) / S1_STD[:, None, None])
        chips2 = torch.stack([s2[:, 64 * i:64 * i + 8, 0:8] for i in range(8)])
        chips1 = torch.stack([s1[:, 64 * i:64 * i + 8, 0:8] for i in range(8)])
        a = chips2[:, :2] + 0.0  # two S2 bands
        feats = {'s2': torch.cat([a, chips1], 1), 's1': torch.cat([a * 0.9, chips1 * 1.1], 1)}
        matched = cross_modal_alignment(feats, feats, [('s2', 's1')])
        shuffled = cross_modal_alignment(feats, {'s2': torch.roll(feats['s2'], 1, 0), 's1': torch.roll(feats['s1'], 1, 0)},
                                         [('s2', 's1')])
        self.assertLess(float(matched), float(shuffled))
        self.assertIsNone(cross_modal_alignment(feats, feats, []))


class GeoPrototypeTest(unittest.TestCase):
    def setUp(self):
        torch.manual_seed(0)
        self.geo = GeoContext(dims=32, lat_cells=8, lon_cells=8, prototypes=4)
        self.geo.prototypes.requires_grad_(False)
        self.s, self.t, _ = real_maps(dim=32, b=4)

    def test_no_location_no_loss(self):
        nan = torch.full((4,), float('nan'))
        loss, n = geo_prototype_loss(self.s, self.t, nan, nan, self.geo)
        self.assertIsNone(loss)
        self.assertEqual(n, 0)

    def test_prototypes_move_towards_their_region_only(self):
        lat = torch.tensor([38.1, 38.1, float('nan'), -34.4])
        lon = torch.tensor([-0.76, -0.76, 0.0, 138.7])
        before = self.geo.prototypes.clone()
        spain = int(self.geo.region_index(lat[:1], lon[:1]))
        target = self.t[:2].flatten(2).transpose(1, 2).reshape(-1, 32).mean(0)
        d0 = float((before[spain] - target).norm(dim=1).mean())
        s = self.s.clone().requires_grad_(True)
        loss, n = geo_prototype_loss(s, self.t, lat, lon, self.geo, momentum=0.5)
        self.assertEqual(n, 2)
        loss.backward()
        self.assertGreater(float(s.grad.abs().sum()), 0)
        self.assertTrue(torch.equal(s.grad[2], torch.zeros_like(s.grad[2])))  # no location, no geo gradient
        d1 = float((self.geo.prototypes[spain] - target).norm(dim=1).mean())
        self.assertLess(d1, d0)
        changed = (self.geo.prototypes != before).flatten(1).any(1).nonzero().flatten().tolist()
        adelaide = int(self.geo.region_index(lat[3:], lon[3:]))
        self.assertEqual(sorted(changed), sorted({spain, adelaide}))

    def test_update_follows_the_ema_rule(self):
        lat, lon = torch.tensor([38.1] * 4), torch.tensor([-0.76] * 4)
        r = int(self.geo.region_index(lat[:1], lon[:1]))
        before = self.geo.prototypes[r].clone()
        geo_prototype_loss(self.s, self.t, lat, lon, self.geo, momentum=0.9, update=False)
        self.assertTrue(torch.equal(self.geo.prototypes[r], before))
        geo_prototype_loss(self.s, self.t, lat, lon, self.geo, momentum=0.9)
        from models.pretrain.losses.sinkhorn import sinkhorn
        zt = self.t.flatten(2).transpose(1, 2).reshape(-1, 32)
        codes = sinkhorn(F.normalize(zt, dim=-1) @ F.normalize(before, dim=-1).t(), 0.05, 3)
        target = codes.t() @ zt / codes.sum(0)[:, None]
        torch.testing.assert_close(self.geo.prototypes[r], 0.9 * before + 0.1 * target, atol=1e-5, rtol=1e-4)


if __name__ == '__main__':
    unittest.main()
