"""Batches of two views on real tiles: shapes the SkySense modules accept, co-located grids that
meet, the two views differing, tiling and compaction."""
import unittest

import numpy as np

from testdata import small_tiles
from models.pretrain.data.bands import S2_BANDS
from models.pretrain.data.builder import counts, format_counts
from models.pretrain.data.tiling import starts
from models.pretrain.data.stream import BatchStream, batches
from models.pretrain.data.views import GROUPS, GroupSampler, ViewConfig, make_batch


class ViewsTest(unittest.TestCase):
    def setUp(self):
        self.tiles = small_tiles()
        self.rng = np.random.default_rng(0)

    def batch(self, group, n):
        sampler = GroupSampler(self.tiles, group)
        return make_batch(self.rng, [self.tiles[i] for i in sampler.draw(self.rng, n)], group)

    def test_every_group_has_samples_and_valid_shapes(self):
        for group, (mods, _) in GROUPS.items():
            a, b, meta = self.batch(group, 4)
            n = len(meta['ids'])
            self.assertEqual(len(set(meta['ids'])), n, 'a tile twice in one batch')
            for v in (a, b):
                self.assertEqual(set(v) - {'dihedral', 's2_doy'}, set(mods))
                self.assertTrue(all(0 <= int(c) < 8 for c in v['dihedral']))
                if 'hr' in v:
                    self.assertEqual(tuple(v['hr'].shape), (n, 3, 256, 256))
                if 's2' in v:
                    self.assertEqual(v['s2'].shape[2], 10)
                    self.assertEqual(tuple(v['s2_doy'].shape), tuple(v['s2'].shape[:2]))
                    self.assertTrue(bool(((v['s2_doy'] >= 1) & (v['s2_doy'] <= 365)).all()))
                if 's1' in v:
                    self.assertEqual(v['s1'].shape[2], 2)
                if 'hr' in v and len(mods) > 1:
                    # co-located: one S2/S1 pixel per 32 HR pixels, the fusion grid
                    for m in mods[1:]:
                        self.assertEqual(v[m].shape[-1] * 32, v['hr'].shape[-1])

    def test_views_differ_but_cover_the_same_ground(self):
        a, b, _ = self.batch('s2s1', 4)
        self.assertFalse(np.allclose(a['s1'].numpy()[:, :1], b['s1'].numpy()[:, :1]))

    def test_missing_band_stays_zero(self):
        wc = [i for i, t in enumerate(self.tiles) if t.source == 'worldcereal']
        a, b, _ = make_batch(self.rng, [self.tiles[i] for i in wc[:3]], 's2')
        k = S2_BANDS.index('B8A')
        self.assertTrue(float(a['s2'][:, :, k].abs().max()) == 0.0)

    def test_stream_is_reproducible(self):
        sizes = {g: 2 for g in GROUPS}
        weights = {g: 1.0 for g in GROUPS}

        def first(seed):
            it = batches(BatchStream(self.tiles, weights, sizes, ViewConfig(), seed))
            return [next(it) for _ in range(3)]
        a, b, c = first(7), first(7), first(8)
        self.assertEqual([m['ids'] for _, _, m in a], [m['ids'] for _, _, m in b])
        for (va, _, _), (vb, _, _) in zip(a, b):
            for k in va:
                self.assertTrue(np.array_equal(va[k].numpy(), vb[k].numpy()), k)
        self.assertNotEqual([m['ids'] for _, _, m in a], [m['ids'] for _, _, m in c])

    def test_tiling_and_counts(self):
        self.assertEqual(starts(120, 32), [0, 32, 64, 88])
        self.assertEqual(starts(17, 32), [0])
        table = counts(self.tiles)
        self.assertEqual(table['treesatai_ts']['hr+s2+s1'], 3)
        self.assertEqual(table['sen1floods11']['tiles'], 256)  # 512 px / 32 px tiles
        self.assertIn('TOTAL', format_counts(table))
        # compacted tiles: S2 as uint16 reflectance, S1 as float16 dB
        s = next(t for t in self.tiles if t.source == 'sen1floods11')
        self.assertEqual((s.s2.dtype, s.s1.dtype), (np.uint16, np.float16))


if __name__ == '__main__':
    unittest.main()
