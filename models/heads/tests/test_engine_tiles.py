"""The Python tiling must be the engine's: tile origins checked against main/tiler/tile-plan.ts run
in node, ownership a partition of the output grid, mirror padding as main/tiler/tile-read.ts."""
import json
import os
import subprocess
import unittest

import numpy as np
import torch

from models.heads.engine_tiles import axis_positions, normalise, owner_index, stitched_taps

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
CASES = [(512, 64, 16, 4), (120, 64, 16, 4), (30, 64, 16, 4), (1027, 512, 64, 4), (861, 64, 16, 4), (256, 512, 64, 4)]


class AxisPositionsTest(unittest.TestCase):
    def test_matches_engine_tile_plan(self):
        script = ("import {axisPositions} from './main/tiler/tile-plan.ts';"
                  f"console.log(JSON.stringify({json.dumps(CASES)}.map(c => axisPositions(...c))));")
        p = subprocess.run(['node', '--import', 'tsx', '-e', script], cwd=REPO, capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr[-2000:])
        self.assertEqual(json.loads(p.stdout), [axis_positions(*c) for c in CASES])

    def test_owner_covers_every_cell_once_with_the_deepest_tile(self):
        for size, tile, overlap, stride in CASES:
            pos = [p // stride for p in axis_positions(size, tile, overlap, stride)]
            n_out, t_out = -(-size // stride), tile // stride
            own = owner_index(n_out, pos, t_out)
            self.assertEqual(len(own), n_out)
            for c, i in enumerate(own):
                self.assertTrue(pos[i] <= c < pos[i] + t_out, f'cell {c} not inside its tile {i}')
                depth = min(c - pos[i], pos[i] + t_out - 1 - c)
                for j, p in enumerate(pos):
                    if p <= c < p + t_out:
                        self.assertLessEqual(min(c - p, p + t_out - 1 - c), depth)


class StitchTest(unittest.TestCase):
    def test_identity_encoder_returns_the_image_and_mirror_pads(self):
        rng = np.random.default_rng(0)
        img = rng.normal(size=(2, 70, 93)).astype(np.float32)
        seen = []

        def run(x):  # stride-1 "encoder": the taps are the input itself
            seen.append(x.numpy().copy())
            return {'t': x}
        out = stitched_taps(run, img, 64, 16, 1, ['t'])['t']
        np.testing.assert_array_equal(out, img)
        last = seen[-1][-1]   # last tile reaches past nothing: positions end at the edge
        self.assertEqual(last.shape, (2, 64, 64))
        small = rng.normal(size=(1, 10, 12)).astype(np.float32)
        seen.clear()
        stitched_taps(run, small, 16, 4, 1, ['t'])
        tile = seen[0][0][0]
        np.testing.assert_array_equal(tile[:10, :12], small[0])
        np.testing.assert_array_equal(tile[10, :12], small[0, 8])      # ... n-2 | mirror, as numpy 'reflect'
        np.testing.assert_array_equal(tile[:10, 12], small[0, :, 10])

    def test_normalise_maps_nan_to_zero(self):
        mod = {'bands': ['a', 'b'], 'mean': [1.0, -2.0], 'std': [2.0, 4.0]}
        raw = np.array([[[3.0, np.nan]], [[2.0, -2.0]]], dtype=np.float32)
        np.testing.assert_allclose(normalise(raw, mod), [[[1.0, 0.0]], [[1.0, 0.0]]])
        with self.assertRaises(ValueError):
            normalise(raw[:1], mod)


if __name__ == '__main__':
    torch.set_num_threads(1)
    unittest.main()
