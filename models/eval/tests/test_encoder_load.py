"""Loading a models/pretrain checkpoint into the frozen encoder, on a real Sen1Floods11 window."""
import os
import tempfile
import unittest
from pathlib import Path

import numpy as np
import torch

from models.eval.encoder import EvalError, FrozenSkySense
from models.pretrain.checkpoint import atomic_save, official_state
from models.pretrain.data.grid import read_array
from models.reference.configs import get_config
from models.reference.skysense import SkySense

torch.set_num_threads(1)
REPO = Path(__file__).resolve().parents[3]
S1 = REPO.parent / 'shared' / 'data' / 's1s2' / 'sen1floods11' / 'sample' / 'S1' / 'Spain_7370579_S1Hand.tif'


def write_checkpoint(path, model, meta=None, drop_prefix=None):
    state = official_state(model)
    if drop_prefix:
        state = {k: v for k, v in state.items() if not k.startswith(drop_prefix)}
    atomic_save({'model': state, 'meta': meta or {'config': 'tiny', 'steps': 1, 'seed': 0}}, path)


class EncoderLoadTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s1 = np.nan_to_num(read_array(S1)[:, :64, :64], nan=-20.0)
        cls.tmp = tempfile.TemporaryDirectory()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def features(self, enc):
        return np.concatenate([f.reshape(f.shape[0], -1) for _, _, f in enc.s1_dense(self.s1, 32)], axis=1)

    def test_checkpoint_of_the_seed_init_gives_the_random_features(self):
        torch.manual_seed(0)
        path = os.path.join(self.tmp.name, 'seed0.pth')
        write_checkpoint(path, SkySense(get_config('tiny')))
        loaded = FrozenSkySense.from_checkpoint(path)
        self.assertEqual(loaded.source['config'], 'tiny')
        np.testing.assert_array_equal(self.features(loaded), self.features(FrozenSkySense.random('tiny', 0)))
        other = self.features(FrozenSkySense.random('tiny', 1))
        self.assertGreater(np.abs(other - self.features(loaded)).max(), 1e-3)

    def test_checkpoint_weights_reach_the_features(self):
        torch.manual_seed(0)
        model = SkySense(get_config('tiny'))
        with torch.no_grad():
            model.s1_up.decoder[0].bias.add_(1.0)
        path = os.path.join(self.tmp.name, 'shifted.pth')
        write_checkpoint(path, model)
        diff = self.features(FrozenSkySense.from_checkpoint(path)) - self.features(FrozenSkySense.random('tiny', 0))
        np.testing.assert_allclose(diff, 1.0, atol=1e-5)

    def test_missing_module_is_named(self):
        torch.manual_seed(0)
        path = os.path.join(self.tmp.name, 'no_s1.pth')
        write_checkpoint(path, SkySense(get_config('tiny')), drop_prefix='backbone_s1.')
        with self.assertRaisesRegex(EvalError, r'no_s1\.pth: no weights for s1_encoder'):
            FrozenSkySense.from_checkpoint(path)

    def test_not_a_checkpoint(self):
        path = os.path.join(self.tmp.name, 'text.pth')
        with open(path, 'w') as fh:
            fh.write('not a checkpoint')
        with self.assertRaisesRegex(EvalError, r'text\.pth: not a checkpoint of tensors'):
            FrozenSkySense.from_checkpoint(path)
        with self.assertRaisesRegex(EvalError, 'no such file'):
            FrozenSkySense.from_checkpoint(os.path.join(self.tmp.name, 'absent.pth'))


if __name__ == '__main__':
    unittest.main()
