"""models/convert.py on a checkpoint in the layout models/pretrain writes (official full layout +
geo_context.prototypes + meta): the manifest says 'pretrained', not 'converted', carries our
licence text and the run's meta, and the geo_context module holds the file's prototypes."""
import hashlib
import importlib.util
import io
import json
import os
import tempfile
import unittest
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import torch

from models.export import ort_node
from models.pretrain.checkpoint import atomic_save, official_state
from models.reference.configs import get_config
from models.reference.geo_context import GeoContext
from models.reference.skysense import SkySense

torch.set_num_threads(1)
CONVERT = Path(__file__).resolve().parents[2] / 'convert.py'


def convert(*args):
    spec = importlib.util.spec_from_file_location('skysense_convert_eval', CONVERT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = mod.main(list(args))
    return code, out.getvalue(), err.getvalue()


class ConvertPretrainedTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        torch.manual_seed(5)
        cls.cfg = get_config('tiny')
        model = SkySense(cls.cfg)
        cls.state = official_state(model)
        cls.ckpt = os.path.join(cls.tmp.name, 'skysense_pretrained.pth')
        atomic_save({'model': cls.state, 'meta': {'config': 'tiny', 'steps': 7, 'seed': 5, 'recipe': 'MGCL test'}},
                    cls.ckpt)
        cls.no_geo = os.path.join(cls.tmp.name, 'no_geo.pth')
        atomic_save({'model': {k: v for k, v in cls.state.items() if not k.startswith('geo_context.')}}, cls.no_geo)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def manifest(self, out):
        with open(os.path.join(out, 'manifest.json')) as fh:
            return json.load(fh)

    def test_auto_detects_our_weights_and_exports_geo_context(self):
        out = os.path.join(self.tmp.name, 'auto')
        code, _, err = convert('--checkpoint', self.ckpt, '--config', 'tiny', '--out', out,
                               '--modules', 's1_up,geo_context')
        self.assertEqual(code, 0, err)
        self.assertNotIn('geo_context.prototypes', err)  # no longer reported as an ignored key
        man = self.manifest(out)
        self.assertEqual(man['provenance']['weights'], 'pretrained')
        self.assertEqual(man['name'], 'skysense-tiny-pretrained')
        self.assertNotIn('Yansheng Li', man['licence']['weights'])
        self.assertIn('SkySense Desktop', man['licence']['weights'])
        self.assertIn('Pre-training run: config tiny, steps 7, seed 5; recipe: MGCL test.', man['provenance']['notes'])
        with open(self.ckpt, 'rb') as fh:
            self.assertEqual(man['provenance']['checkpoint'],
                             [{'file': 'skysense_pretrained.pth', 'sha256': hashlib.sha256(fh.read()).hexdigest()}])
        self.assertEqual(sorted(man['modules']), ['geo_context', 's1_up'])
        self.assertEqual(man['geoContext']['regions'], 64)
        self.assertIn('learnt by our GCP pre-training', man['geoContext']['notes'])
        # the ONNX file computes the read-out with the checkpoint's own prototypes
        g = self.cfg['geo']
        ref = GeoContext(**g)
        ref.prototypes.data.copy_(self.state['geo_context.prototypes'])
        gen = torch.Generator().manual_seed(0)
        fused = torch.randn(2, g['dims'], 3, 2, generator=gen)
        lat, lon = torch.tensor([48.8, -33.9]), torch.tensor([2.3, 151.2])
        got, _ = ort_node.run(os.path.join(out, 'geo_context.onnx'),
                              {'fused': fused.numpy(), 'lat': lat.numpy(), 'lon': lon.numpy()})
        with torch.no_grad():
            want = ref(fused, lat, lon).numpy()
        self.assertLess(float(abs(got['geo'] - want).max()), 1e-4)

    def test_licence_and_notes_from_the_command_line(self):
        out = os.path.join(self.tmp.name, 'explicit')
        code, _, err = convert('--checkpoint', self.no_geo, '--config', 'tiny', '--out', out, '--modules', 's2_up',
                               '--weights-kind', 'pretrained', '--licence-weights', 'CC BY 4.0 (test)',
                               '--notes', '90 min CPU run', '--no-verify')
        self.assertEqual(code, 0, err)
        man = self.manifest(out)
        self.assertEqual(man['provenance']['weights'], 'pretrained')
        self.assertEqual(man['licence']['weights'], 'CC BY 4.0 (test)')
        self.assertTrue(man['provenance']['notes'].startswith('90 min CPU run Module configuration: '))
        self.assertIsNone(man['geoContext'])

    def test_refusals(self):
        code, _, err = convert('--checkpoint', self.ckpt, '--config', 'tiny', '--out',
                               os.path.join(self.tmp.name, 'r1'), '--weights-kind', 'converted', '--modules', 's2_up')
        self.assertEqual(code, 2)
        self.assertIn('skysense_pretrained.pth: has geo_context prototypes', err)
        code, _, err = convert('--random-init', '--config', 'tiny', '--out', os.path.join(self.tmp.name, 'r2'),
                               '--weights-kind', 'pretrained')
        self.assertEqual(code, 2)
        self.assertIn('--weights-kind describes a --checkpoint', err)
        code, _, err = convert('--checkpoint', self.no_geo, '--config', 'tiny', '--out',
                               os.path.join(self.tmp.name, 'r3'), '--modules', 'geo_context')
        self.assertEqual(code, 2)
        self.assertIn('geo_context: no released SkySense checkpoint contains it', err)
        code, _, err = convert('--checkpoint', self.no_geo, '--config', 'tiny', '--out',
                               os.path.join(self.tmp.name, 'r4'), '--licence-weights', ' ')
        self.assertEqual(code, 2)
        self.assertIn('--licence-weights: empty text', err)

    def test_official_layout_without_geo_stays_converted(self):
        out = os.path.join(self.tmp.name, 'official')
        code, _, err = convert('--checkpoint', self.no_geo, '--config', 'tiny', '--out', out, '--modules', 's2_up',
                               '--no-verify')
        self.assertEqual(code, 0, err)
        man = self.manifest(out)
        self.assertEqual(man['provenance']['weights'], 'converted')
        self.assertIn('non-commercial', man['licence']['weights'])


if __name__ == '__main__':
    unittest.main()
