"""Training is deterministic: the same seed on the same data gives bit-identical head weights and
metrics, a different seed does not; and the exported folder of a quick run keeps the contract.
A random-init tiny encoder (seed 0) stands in for the checkpoint, which is not in the repository;
the data are the real chips, cut to the --quick subsets (Sen1Floods11 128 x 128, BigEarthNet 5 patches)."""
import json
import tempfile
import unittest
from pathlib import Path

import torch

from models.eval.encoder import FrozenSkySense
from models.heads.encoder_taps import EncoderTaps
from models.heads.export import export_head
from models.heads.manifest import problems
from models.heads.tasks import bigearthnet_classify, s1_water

REPO = Path(__file__).resolve().parents[3]
DATA = REPO.parent / 'shared' / 'data'


def state(net):
    return {k: v.clone() for k, v in net.state_dict().items()}


class DeterminismTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        torch.set_num_threads(1)
        cls.enc = EncoderTaps.unchecked(REPO / 'models' / 'skysense-tiny', FrozenSkySense.random('tiny', seed=0))

    def check_same(self, task, seed_b):
        a = task.build(self.enc, DATA, seed=0, quick=True)
        b = task.build(self.enc, DATA, seed=0, quick=True)
        c = task.build(self.enc, DATA, seed=seed_b, quick=True)
        sa, sb, sc = state(a.net), state(b.net), state(c.net)
        self.assertEqual(list(sa), list(sb))
        for k in sa:
            self.assertTrue(torch.equal(sa[k], sb[k]), f'{task.NAME}: {k} differs between two seed-0 runs')
        self.assertEqual(a.training['metrics'], b.training['metrics'])
        self.assertEqual(a.threshold, b.threshold)
        self.assertFalse(all(torch.equal(sa[k], sc[k]) for k in sa), f'{task.NAME}: seed {seed_b} gave the seed-0 weights')
        return a

    def test_s1_water_quick_is_deterministic_and_exports(self):
        a = self.check_same(s1_water, 1)
        with tempfile.TemporaryDirectory() as tmp:
            res = export_head(a, self.enc, tmp)
            m = json.loads((Path(tmp) / 's1-water' / 'manifest.json').read_text())
            self.assertEqual(problems(m), [])
            self.assertLess(res['onnxMaxDiff'], 1e-4)
            self.assertEqual(sorted(p.name for p in Path(tmp).iterdir()), ['s1-water'])  # no temporary left behind

    def test_bigearthnet_quick_is_deterministic(self):
        a = self.check_same(bigearthnet_classify, 3)
        self.assertEqual(a.training['samples'], bigearthnet_classify.QUICK_PATCHES)


if __name__ == '__main__':
    unittest.main()
