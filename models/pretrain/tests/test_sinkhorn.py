"""Sinkhorn-Knopp: marginals, positivity, and that it spreads mass where argmax would not."""
import unittest

import torch
import torch.nn.functional as F

from testdata import sen1floods11_sample
from models.pretrain.losses.sinkhorn import sinkhorn


def real_scores(k=8):
    """Cosine similarities of real S2 pixel spectra (Sen1Floods11) to k of those spectra."""
    s = sen1floods11_sample()
    px = torch.from_numpy(s.s2[0].reshape(10, -1).T[::97].copy())
    z = F.normalize(px - px.mean(0), dim=1)
    return z @ z[:k].t()


class SinkhornTest(unittest.TestCase):
    def test_marginals(self):
        scores = real_scores()
        n, k = scores.shape
        q = sinkhorn(scores, epsilon=0.05, iterations=50)
        self.assertTrue(torch.all(q >= 0))
        torch.testing.assert_close(q.sum(1), torch.ones(n), atol=1e-5, rtol=0)
        torch.testing.assert_close(q.sum(0), torch.full((k,), n / k), atol=1e-2 * n / k, rtol=0)

    def test_rows_exact_after_few_iterations(self):
        q = sinkhorn(real_scores(), iterations=3)
        torch.testing.assert_close(q.sum(1), torch.ones(q.shape[0]), atol=1e-5, rtol=0)

    def test_equipartition_where_argmax_collapses(self):
        scores = real_scores()
        hard = torch.bincount(scores.argmax(1), minlength=scores.shape[1]).float()
        soft = sinkhorn(scores, iterations=50).sum(0)
        self.assertLess(float(soft.std() / soft.mean()), float(hard.std() / hard.mean()))

    def test_clear_cut_assignments_are_kept(self):
        eye = torch.eye(4).repeat(5, 1)  # 20 items, each matching one of 4 prototypes exactly
        q = sinkhorn(eye * 1.0, epsilon=0.05, iterations=10)
        self.assertTrue(torch.equal(q.argmax(1), eye.argmax(1)))

    def test_rejects_bad_shape(self):
        with self.assertRaises(ValueError):
            sinkhorn(torch.zeros(3, 4, 5))


if __name__ == '__main__':
    unittest.main()
