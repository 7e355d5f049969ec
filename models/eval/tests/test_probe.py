"""The probe is deterministic, converges on a separable problem whatever the feature scale, and
picks a sensible threshold."""
import unittest

import numpy as np
import torch

from models.eval.probe import LinearProbe, best_threshold

torch.set_num_threads(1)


class ProbeTest(unittest.TestCase):
    def setUp(self):
        rng = np.random.default_rng(1)
        self.x = rng.normal(size=(600, 5)).astype(np.float32) * [1, 10, 100, 1, 1]
        self.y = (self.x[:, 0] + self.x[:, 2] / 100 > 0).astype(np.int64)

    def test_deterministic(self):
        a = LinearProbe(2).fit(self.x, self.y)
        b = LinearProbe(2).fit(self.x, self.y)
        np.testing.assert_array_equal(a.weight, b.weight)
        np.testing.assert_array_equal(a.bias, b.bias)

    def test_learns_a_linear_rule_whatever_the_feature_scale(self):
        p = LinearProbe(2).fit(self.x, self.y)
        self.assertTrue(p.converged)
        self.assertGreater((p.logits(self.x).argmax(1) == self.y).mean(), 0.97)
        # the rule uses features 0 and 2 (after standardisation both matter equally), not the noise
        w = np.abs(p.weight[1] - p.weight[0])
        self.assertGreater(min(w[0], w[2]), 5 * max(w[1], w[3], w[4]))

    def test_logits_map_is_the_probe_per_pixel(self):
        p = LinearProbe(3).fit(self.x, (self.x[:, 0] > 0).astype(int) + (self.x[:, 3] > 1))
        f = self.x[:12].T.reshape(5, 3, 4)
        np.testing.assert_allclose(p.logits_map(f).reshape(3, -1).T, p.logits(self.x[:12]), rtol=1e-5, atol=1e-5)

    def test_class_balance(self):
        # 95 % negatives: the balanced loss still finds the positives
        rng = np.random.default_rng(2)
        x = rng.normal(size=(2000, 3)).astype(np.float32)
        y = (x[:, 0] > 1.65).astype(np.int64)
        p = LinearProbe(2).fit(x, y)
        pred = p.logits(x).argmax(1)
        self.assertGreater(pred[y == 1].mean(), 0.9)

    def test_best_threshold_by_hand(self):
        p = np.array([0.1, 0.2, 0.35, 0.6, 0.9])
        y = np.array([0, 0, 1, 1, 1])
        t, score = best_threshold(p, y)
        self.assertTrue(0.2 < t <= 0.35, t)
        self.assertAlmostEqual(score, 1.0)
        # weighting the negatives 10x makes the threshold stricter
        t2, _ = best_threshold(np.array([0.3, 0.6, 0.7]), np.array([0, 1, 0]), np.array([10.0, 1.0, 1.0]))
        self.assertGreater(t2, 0.3)

    def test_bad_input(self):
        with self.assertRaises(ValueError):
            LinearProbe(2).fit(self.x, self.y[:10])
        with self.assertRaises(ValueError):
            LinearProbe(2).fit(self.x, self.y + 1)


if __name__ == '__main__':
    unittest.main()
