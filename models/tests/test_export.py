"""convert.py --random-init makes a model folder whose manifest follows models/manifest.schema.json
and whose ONNX files run in onnxruntime-node at sizes other than the traced ones, matching PyTorch."""
import copy
import json
import os
import tempfile
import unittest

import numpy as np
import torch

from util import convert_in_process, run_convert

from models.export import ort_node
from models.export.schema_check import validate_manifest
from models.reference.configs import get_config
from models.reference.skysense import MODULE_NAMES, build_module

CFG = get_config('tiny')
SEED = 3


def rebuild(name):
    """The same module convert.py built (it seeds torch before each module)."""
    torch.manual_seed(SEED)
    return build_module(CFG, name).eval()


class TinyFolder(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.out = os.path.join(cls.tmp.name, 'skysense-tiny')
        p = convert_in_process('--random-init', '--config', 'tiny', '--out', cls.out, '--fp16', '--seed', str(SEED))
        if p.returncode != 0:
            raise RuntimeError(p.stderr)
        cls.log = [json.loads(line) for line in p.stdout.splitlines() if line.startswith('{')]
        with open(os.path.join(cls.out, 'manifest.json')) as fh:
            cls.manifest = json.load(fh)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_manifest_follows_schema_and_lists_every_module(self):
        self.assertEqual(validate_manifest(self.manifest), [])
        self.assertEqual(sorted(self.manifest['modules']), sorted(MODULE_NAMES))
        for name, m in self.manifest['modules'].items():
            self.assertTrue(os.path.isfile(os.path.join(self.out, m['file'])), name)
            self.assertTrue(os.path.isfile(os.path.join(self.out, m['fp16File'])), name)
        self.assertEqual(self.manifest['modalities']['s2']['bands'],
                         ['B02', 'B03', 'B04', 'B05', 'B06', 'B07', 'B08', 'B8A', 'B11', 'B12'])
        self.assertEqual(self.manifest['provenance']['weights'], 'random-init')
        self.assertEqual(self.manifest['dateEmbedding']['appliesTo'], ['s2'])
        self.assertEqual(self.manifest['geoContext']['regions'], 64)
        hr = self.manifest['modules']['hr_encoder']
        self.assertEqual([(o['stride'], o['channels']) for o in hr['outputs']], [(4, 32), (8, 64), (16, 128), (32, 256)])
        # Every module was run in onnxruntime-node during the conversion and agreed with PyTorch.
        self.assertTrue(all(line['ort_max_rel_diff'] < 1e-4 for line in self.log if 'module' in line), self.log)

    def _run(self, name, inputs, fp16=False):
        m = self.manifest['modules'][name]
        path = os.path.join(self.out, m['fp16File'] if fp16 else m['file'])
        outs, _ = ort_node.run(path, {k: v.numpy() for k, v in inputs.items()})
        self.assertEqual(list(outs), [o['name'] for o in m['outputs']])
        return outs

    def _compare(self, outs, ref, tol):
        for (name, got), want in zip(outs.items(), ref):
            want = want.numpy()
            self.assertEqual(got.shape, want.shape, name)
            err = np.abs(got - want).max() / max(1.0, np.abs(want).max())
            self.assertLess(err, tol, name)

    def test_hr_encoder_runs_at_other_sizes(self):
        m = rebuild('hr_encoder')
        # 320x416: stages 2 and 3 need window padding (20 -> 24, 10 -> 16); traced at 512 without any.
        for shape in ((1, 3, 320, 416),):
            x = torch.randn(*shape)
            outs = self._run('hr_encoder', {'image': x})
            with torch.no_grad():
                self._compare(outs, m(x), 1e-4)
            self.assertEqual(outs['feat_s32'].shape[2:], (shape[2] // 32, shape[3] // 32))

    def test_vit_uphead_fusion_geo_at_other_sizes(self):
        x = torch.randn(3, 10, 24, 40)
        outs = self._run('s2_encoder', {'image': x})
        with torch.no_grad():
            self._compare(outs, rebuild('s2_encoder')(x), 1e-4)
            feat = torch.from_numpy(outs['feat_l3'])
            self._compare(self._run('s2_up', {'feat': feat}), [rebuild('s2_up')(feat)], 1e-4)
            tokens, doy = torch.randn(2, 3, 256, 5, 7), torch.tensor([[0, 40, 0], [0, 366, 0]])
            self._compare(self._run('fusion', {'tokens': tokens, 'doy': doy}),
                          [rebuild('fusion').forward_tokens(tokens, doy)], 1e-4)
            fused, lat, lon = torch.randn(2, 128, 5, 7), torch.tensor([51.5, -33.9]), torch.tensor([-0.1, 151.2])
            self._compare(self._run('geo_context', {'fused': fused, 'lat': lat, 'lon': lon}),
                          [rebuild('geo_context')(fused, lat, lon)], 1e-4)

    def test_fp16_copy_is_half_size_and_close(self):
        m = self.manifest['modules']['s1_encoder']
        full = os.path.getsize(os.path.join(self.out, m['file']))
        half = os.path.getsize(os.path.join(self.out, m['fp16File']))
        self.assertLess(half, 0.6 * full)
        x = torch.randn(1, 2, 64, 64)
        with torch.no_grad():
            self._compare(self._run('s1_encoder', {'image': x}, fp16=True), rebuild('s1_encoder')(x), 2e-2)

    def test_schema_check_catches_bad_manifests(self):
        bad = copy.deepcopy(self.manifest)
        del bad['modules']['fusion']['inputs']
        bad['modalities']['s1']['units'] = 'linear'
        bad['modules']['hr_encoder']['file'] = '../hr.onnx'
        bad['extra'] = 1
        errs = '\n'.join(validate_manifest(bad))
        for needle in ("$.modules.fusion: missing 'inputs'", '$.modalities.s1.units', '$.modules.hr_encoder.file',
                       "unexpected property 'extra'"):
            self.assertIn(needle, errs)


class ExportOptions(unittest.TestCase):
    def test_external_data_folder_loads_in_ort(self):
        with tempfile.TemporaryDirectory() as d:
            p = convert_in_process('--random-init', '--config', 'tiny', '--out', d, '--modules', 's2_up,fusion',
                                   '--external-threshold', '100000', '--seed', str(SEED))
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(os.path.join(d, 'manifest.json')) as fh:
                man = json.load(fh)
            self.assertEqual(validate_manifest(man), [])
            m = man['modules']['s2_up']
            self.assertTrue(m['externalData'])
            self.assertEqual(m['externalDataFiles'], ['s2_up.onnx.data'])
            self.assertLess(os.path.getsize(os.path.join(d, 's2_up.onnx')), 100000)
            self.assertEqual(sorted(f for f in os.listdir(d) if f.startswith('.')), [], 'no temporary files left')
            feat = torch.randn(1, 128, 4, 4)
            outs, _ = ort_node.run(os.path.join(d, 's2_up.onnx'), {'feat': feat.numpy()})
            with torch.no_grad():
                self.assertTrue(np.allclose(outs['up'], rebuild('s2_up')(feat).numpy(), atol=1e-5))

    def test_cli_runs_and_refuses_bad_sizes(self):
        with tempfile.TemporaryDirectory() as d:
            p = run_convert('--random-init', '--config', 'tiny', '--out', os.path.join(d, 'a'), '--modules', 'hr_encoder',
                            '--hr-size', '256')
            self.assertEqual(p.returncode, 2)
            self.assertIn('--hr-size 256: must be >= 288', p.stderr)
            p = run_convert('--random-init', '--config', 'tiny', '--out', os.path.join(d, 'b'), '--modules', 's1_up')
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertTrue(os.path.isfile(os.path.join(d, 'b', 'manifest.json')))
            p = run_convert('--random-init', '--config', 'tiny', '--out', os.path.join(d, 'b'), '--modules', 's1_up')
            self.assertEqual(p.returncode, 2)
            self.assertIn('folder is not empty', p.stderr)


if __name__ == '__main__':
    unittest.main()
