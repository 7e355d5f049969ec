"""One real pre-training step on co-located real samples, and the weights file that
models/convert.py reads."""
import copy
import tempfile
import unittest
from pathlib import Path

import numpy as np
import torch

from testdata import small_tiles
from models.pretrain.checkpoint import load_official_state, official_state, save_weights
from models.pretrain.data.views import GroupSampler, make_batch
from models.pretrain.ema import EMATeacher
from models.pretrain.model import PretrainModel
from models.pretrain.objective import LossConfig, batch_losses
from models.pretrain.train import lr_at
from models.reference.official_checkpoint import check_state, gather


class TrainingStepTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        torch.manual_seed(0)
        cls.student = PretrainModel('tiny')
        cls.teacher = EMATeacher(cls.student)

    def test_step_reaches_every_module(self):
        tiles = small_tiles()
        rng = np.random.default_rng(0)
        sampler = GroupSampler(tiles, 'hr_s2_s1')
        a, b, meta = make_batch(rng, [tiles[i] for i in sampler.draw(rng, 2)], 'hr_s2_s1')
        geo_before = self.student.backbone.geo_context.prototypes.clone()
        total, terms, health = batch_losses(self.student, self.teacher.model, a, b, meta, LossConfig())
        self.assertTrue(torch.isfinite(total))
        for t in ('pixel/hr', 'pixel/s2', 'pixel/s1', 'pixel/fused', 'object/fused', 'image/s1', 'cross_modal', 'geo'):
            self.assertIn(t, terms)
        total.backward()
        bb = self.student.backbone
        for name in ('hr_encoder', 's2_encoder', 's1_encoder', 's2_up', 's1_up', 'fusion'):
            grads = [p.grad for p in getattr(bb, name).parameters() if p.grad is not None]
            self.assertTrue(grads and any(float(g.abs().sum()) > 0 for g in grads), f'no gradient reaches {name}')
        self.assertIsNone(bb.geo_context.prototypes.grad)  # EMA-updated, not trained
        self.assertFalse(torch.equal(bb.geo_context.prototypes, geo_before))
        self.assertGreater(health['teacher_std'], 0)
        self.student.zero_grad(set_to_none=True)

    def test_weights_file_is_read_as_an_official_checkpoint(self):
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / 'skysense_pretrained.pth'
            save_weights(path, self.teacher.model, {'steps': 0})
            states, report = gather([str(path)], self.student.cfg)
            for m in ('hr_encoder', 's2_encoder', 's1_encoder', 's2_up', 's1_up', 'fusion'):
                check_state(m, states[m]['state'], self.student.cfg, states[m]['sources'])
            self.assertIn('ctpe', states['fusion']['state'])
            self.assertTrue(any(k.startswith('geo_context.') for _, k in report['ignored']))
        fresh = copy.deepcopy(self.student)
        with torch.no_grad():
            for p in fresh.parameters():
                p.add_(1.0)
        load_official_state(fresh.backbone, official_state(self.teacher.model.backbone))
        for (k, v), (_, w) in zip(fresh.backbone.state_dict().items(), self.teacher.model.backbone.state_dict().items()):
            self.assertTrue(torch.equal(v, w), k)

    def test_learning_rate_schedule(self):
        self.assertAlmostEqual(lr_at(0.05, 1.0, 0.05), 1.0)
        self.assertLess(lr_at(0.01, 1.0, 0.05), 0.25)
        self.assertAlmostEqual(lr_at(1.0, 1.0, 0.05), 0.01)
        self.assertGreater(lr_at(0.3, 1.0, 0.05), lr_at(0.7, 1.0, 0.05))


if __name__ == '__main__':
    unittest.main()
