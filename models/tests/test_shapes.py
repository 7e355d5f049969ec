"""Shape contracts of the tiny modules, and the mmcls/mmseg details checked against PyTorch's own
operators (nn.Unfold, nn.MultiheadAttention) or a plain re-statement of the mmcls mask loop."""
import unittest

import torch
import torch.nn as nn

from util import REPO  # noqa: F401  (sets sys.path)

from models.reference.configs import get_config
from models.reference.skysense import SkySense, build_module
from models.reference.swin_v2 import PatchMerging, shift_window_mask
from models.reference.transformer_layer import MultiheadSelfAttention

CFG = get_config('tiny')


class Contracts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        torch.manual_seed(0)
        cls.model = SkySense(CFG).eval()

    def test_hr_512_gives_strides_4_to_32(self):
        with torch.no_grad():
            outs = self.model.hr_encoder(torch.randn(1, 3, 512, 512))
        self.assertEqual([tuple(o.shape) for o in outs],
                         [(1, 32, 128, 128), (1, 64, 64, 64), (1, 128, 32, 32), (1, 256, 16, 16)])

    def test_s2_16px_meets_the_hr_grid_after_uphead(self):
        with torch.no_grad():
            feats = self.model.s2_encoder(torch.randn(2, 10, 16, 16))
            up = self.model.s2_up(feats[-1])
        self.assertEqual(len(feats), 4)
        self.assertEqual(tuple(feats[-1].shape), (2, 128, 4, 4))
        self.assertEqual(tuple(up.shape), (2, 256, 16, 16))

    def test_fusion_with_time_series_and_subsets(self):
        doy = torch.tensor([[15, 366]])
        with torch.no_grad():
            full = self.model(hr=torch.randn(1, 3, 512, 512), s2=torch.randn(1, 2, 10, 16, 16), s2_doy=doy,
                              s1=torch.randn(1, 1, 2, 16, 16))
            self.assertEqual(tuple(full['fused'].shape), (1, 128, 16, 16))
            self.assertEqual(tuple(full['s2'].shape), (1, 2, 256, 16, 16))
            self.assertEqual(tuple(full['s1'].shape), (1, 1, 256, 16, 16))
            hr, s2, s1 = full['hr'][-1], full['s2'], full['s1']
            self.assertTrue(torch.allclose(self.model.fusion(hr=hr, s2=s2, s2_doy=doy, s1=s1), full['fused']))
            for kw in ({'hr': hr}, {'s2': s2, 's2_doy': doy}, {'s1': s1}, {'hr': hr, 's1': s1}):
                out = self.model.fusion(**kw)
                self.assertEqual(tuple(out.shape), (1, 128, 16, 16), list(kw))
                self.assertFalse(torch.allclose(out, full['fused']), list(kw))

    def test_fusion_order_free_and_date_sensitive(self):
        f = self.model.fusion
        tokens = torch.randn(2, 4, 256, 3, 5)
        doy = torch.tensor([[0, 10, 300, 0], [0, 1, 366, 0]])
        with torch.no_grad():
            a = f.forward_tokens(tokens, doy)
            perm = [3, 1, 0, 2]
            b = f.forward_tokens(tokens[:, perm], doy[:, perm])
            c = f.forward_tokens(tokens, torch.tensor([[0, 11, 300, 0], [0, 1, 366, 0]]))
            leap = f.forward_tokens(tokens, torch.tensor([[0, 10, 300, 0], [0, 1, 365, 0]]))
        self.assertTrue(torch.allclose(a, b, atol=1e-5))
        self.assertFalse(torch.allclose(a[0], c[0]))
        self.assertTrue(torch.equal(a[1], c[1]))
        self.assertTrue(torch.allclose(a, leap, atol=1e-6), 'day 366 uses the last table row (clamped)')

    def test_fusion_needs_dates_for_s2(self):
        with self.assertRaises(ValueError):
            self.model.fusion(s2=torch.randn(1, 1, 256, 4, 4))

    def test_modalities_must_meet_on_one_grid(self):
        with self.assertRaisesRegex(ValueError, 'one grid'):
            self.model(hr=torch.randn(1, 3, 512, 512), s2=torch.randn(1, 1, 10, 8, 8), s2_doy=torch.tensor([[3]]))

    def test_geo_context_regions_and_output(self):
        g = self.model.geo_context
        idx = g.region_index(torch.tensor([90.0, -90.0, 0.0, 0.0]), torch.tensor([-180.0, 179.9, 180.0, 0.0]))
        self.assertEqual(idx.tolist(), [0, 63, 32, 36])
        with torch.no_grad():
            out = g(torch.randn(2, 128, 4, 4), torch.tensor([45.0, -45.0]), torch.tensor([7.0, 7.0]))
        self.assertEqual(tuple(out.shape), (2, 256, 4, 4))
        self.assertFalse(torch.allclose(out[0, 128:], out[1, 128:]), 'different regions, different context')

    def test_swin_small_maps(self):
        m = self.model.hr_encoder
        with torch.no_grad():
            outs = m(torch.randn(1, 3, 256, 256))  # stage-3 map == window: shift disabled, still runs
            self.assertEqual(tuple(outs[-1].shape), (1, 256, 8, 8))
            outs = m(torch.randn(1, 3, 300, 330))  # not window aligned: padded like mmcls
            self.assertEqual(tuple(outs[-1].shape), (1, 256, 10, 11))
            with self.assertRaisesRegex(ValueError, 'smaller than the window'):
                m(torch.randn(1, 3, 224, 224))


class AgainstOracles(unittest.TestCase):
    def test_patch_merging_uses_unfold_order(self):
        pm = PatchMerging(6, 12)
        x = torch.randn(2, 4 * 6, 6)  # (B, H*W, C) with H=4, W=6
        with torch.no_grad():
            ours, hw = pm(x, (4, 6))
            unfold = nn.Unfold(kernel_size=2, stride=2)(x.view(2, 4, 6, 6).permute(0, 3, 1, 2)).transpose(1, 2)
            ref = pm.norm(pm.reduction(unfold))
        self.assertEqual(hw, (2, 3))
        self.assertTrue(torch.allclose(ours, ref, atol=1e-6))

    def test_self_attention_equals_torch_multihead_attention(self):
        ours = MultiheadSelfAttention(32, 4)
        nn.init.normal_(ours.in_proj_weight, std=0.2)
        nn.init.normal_(ours.in_proj_bias, std=0.2)
        ref = nn.MultiheadAttention(32, 4, batch_first=True)
        ref.load_state_dict(ours.state_dict(), strict=True)  # same parameter names
        x = torch.randn(3, 7, 32)
        with torch.no_grad():
            self.assertTrue(torch.allclose(ours(x), ref(x, x, x, need_weights=False)[0], atol=1e-5))

    def test_shift_mask_matches_the_mmcls_slice_loop(self):
        hp, wp, ws, s = 24, 16, 8, 4
        img = torch.zeros(1, hp, wp, 1)
        cnt = 0
        for h in (slice(0, -ws), slice(-ws, -s), slice(-s, None)):
            for w in (slice(0, -ws), slice(-ws, -s), slice(-s, None)):
                img[:, h, w, :] = cnt
                cnt += 1
        win = img.view(1, hp // ws, ws, wp // ws, ws, 1).permute(0, 1, 3, 2, 4, 5).reshape(-1, ws * ws)
        ref = win.unsqueeze(1) - win.unsqueeze(2)
        ref = ref.masked_fill(ref != 0, -100.0).masked_fill(ref == 0, 0.0)
        self.assertTrue(torch.equal(shift_window_mask(hp, wp, ws, s), ref))

    def test_vit_pos_embed_resize_is_identity_at_native_grid(self):
        vit = build_module(CFG, 's2_encoder').eval()
        x = torch.randn(1, 10, 64, 64)
        with torch.no_grad():
            a = vit(x)[-1]
            vit.always_resize_pos_embed = True
            b = vit(x)[-1]
        self.assertTrue(torch.allclose(a, b, atol=1e-6))


if __name__ == '__main__':
    unittest.main()
