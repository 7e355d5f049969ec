"""The reference modules hold exactly the official keys and shapes, and official-layout checkpoints
(full and split, written with random tensors) load with strict=True."""
import hashlib
import json
import os
import tempfile
import unittest

import numpy as np
import torch
import torch.nn.functional as F

from util import convert_in_process

from models.export import ort_node

from models.reference.configs import get_config
from models.reference.official_checkpoint import gather, load_into
from models.reference.skysense import MODULE_NAMES, build_module
from official_layout import (ctpe_shape, full_checkpoint, fusion_keys, split_checkpoints, swin_keys, uphead_keys,
                             vit_keys)

REBUILT = ('relative_coords_table', 'relative_position_index')


def documented(cfg, name):
    keys = {'hr_encoder': lambda: swin_keys(cfg['hr']), 's2_encoder': lambda: vit_keys(cfg['s2']),
            's1_encoder': lambda: vit_keys(cfg['s1']), 's2_up': lambda: uphead_keys(cfg['s2_up']),
            's1_up': lambda: uphead_keys(cfg['s1_up']), 'fusion': lambda: fusion_keys(cfg['fusion'])}[name]()
    keys = {k: v for k, v in keys.items() if k.split('.')[-1] not in REBUILT}
    if name == 'fusion':
        keys['ctpe'] = ctpe_shape(cfg)
    return keys


class OfficialLayout(unittest.TestCase):
    def test_official_keys_and_shapes_on_meta(self):
        cfg = get_config('official')
        for name in [m for m in MODULE_NAMES if m != 'geo_context']:
            model = {k: tuple(v.shape) for k, v in build_module(cfg, name, device='meta').state_dict().items()}
            doc = documented(cfg, name)
            self.assertEqual(sorted(set(doc) - set(model)), [], f'{name}: documented keys missing from the model')
            self.assertEqual(sorted(set(model) - set(doc)), [], f'{name}: model keys not in the official layout')
            bad = [k for k in doc if doc[k] != model[k]]
            self.assertEqual(bad, [], name)

    def test_spot_shapes_measured_on_the_real_hr_file(self):
        # Shapes read from the real skysense_model_backbone_hr.pth by a third party (SKYSENSE.md §2.2 [EY]).
        m = build_module(get_config('official'), 'hr_encoder', device='meta').state_dict()
        self.assertEqual(tuple(m['stages.0.blocks.0.attn.w_msa.qkv.weight'].shape), (1056, 352))
        self.assertEqual(tuple(m['stages.0.blocks.0.attn.w_msa.cpb_mlp.2.weight'].shape), (8, 512))
        self.assertEqual(tuple(m['stages.1.downsample.reduction.weight'].shape), (704, 1408))
        self.assertEqual(tuple(m['stages.2.blocks.0.attn.w_msa.qkv.weight'].shape), (4224, 1408))
        self.assertEqual(tuple(m['stages.2.blocks.0.ffn.layers.0.0.weight'].shape), (5632, 1408))
        norm3 = sorted(k for k in m if '.norm3.weight' in k)
        self.assertEqual(norm3, [f'stages.2.blocks.{b}.norm3.weight' for b in (11, 17, 5)])

    def _round_trip(self, files, cfg, expect_ignored=0):
        states, report = gather(files, cfg)
        self.assertEqual(len(report['ignored']), expect_ignored)
        dropped = {k.split('.')[-1] for _, k in report['dropped']}
        self.assertEqual(dropped, {'relative_coords_table', 'relative_position_index', 'mask_token'})
        for name in [m for m in MODULE_NAMES if m != 'geo_context']:
            module = build_module(cfg, name)
            load_into(module, name, states[name]['state'], states[name]['sources'], cfg)
            for k, v in module.state_dict().items():
                self.assertTrue(torch.equal(v, states[name]['state'][k]), f'{name}.{k}')
        return states

    def test_full_checkpoint_round_trip_tiny(self):
        cfg = get_config('tiny')
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, 'skysense_pretrained.pth')
            torch.save(full_checkpoint(cfg, torch.Generator().manual_seed(1)), path)
            self._round_trip([path], cfg, expect_ignored=1)

    def test_split_checkpoints_round_trip_tiny(self):
        cfg = get_config('tiny')
        with tempfile.TemporaryDirectory() as d:
            files = []
            for fname, sd in split_checkpoints(cfg, torch.Generator().manual_seed(2)).items():
                files.append(os.path.join(d, fname))
                torch.save(sd, files[-1])
            states = self._round_trip(files, cfg)
            # ctpe travels in the S2 file and lands in the fusion module.
            self.assertTrue(any(s.endswith('skysense_model_backbone_s2.pth') for s in states['fusion']['sources']))

    def test_convert_split_files_to_a_folder(self):
        cfg = get_config('tiny')
        with tempfile.TemporaryDirectory() as d:
            files = split_checkpoints(cfg, torch.Generator().manual_seed(4))
            paths = []
            for fname, sd in files.items():
                paths.append(os.path.join(d, fname))
                torch.save(sd, paths[-1])
            out = os.path.join(d, 'model')
            args = ['--config', 'tiny', '--out', out, '--hr-size', '288']
            for p in paths:
                args += ['--checkpoint', p]
            p = convert_in_process(*args)
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(os.path.join(out, 'manifest.json')) as fh:
                man = json.load(fh)
            self.assertEqual(sorted(man['modules']), sorted(m for m in MODULE_NAMES if m != 'geo_context'))
            self.assertEqual(man['provenance']['weights'], 'converted')
            self.assertIn('non-commercial', man['licence']['weights'])
            sha = {c['file']: c['sha256'] for c in man['provenance']['checkpoint']}
            for path in paths:
                with open(path, 'rb') as fh:
                    self.assertEqual(sha[os.path.basename(path)], hashlib.sha256(fh.read()).hexdigest())
            # The exported UPHead computes conv1x1 + pixel shuffle with the file's own tensors.
            head = files['skysense_model_head_s2.pth']
            x = torch.randn(1, 128, 3, 5)
            got, _ = ort_node.run(os.path.join(out, 's2_up.onnx'), {'feat': x.numpy()})
            want = F.pixel_shuffle(F.conv2d(x, head['decoder.0.weight'], head['decoder.0.bias']), 4)
            self.assertTrue(np.allclose(got['up'], want.numpy(), atol=1e-5))

    def test_loaded_model_runs_end_to_end(self):
        cfg = get_config('tiny')
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, 'full.pth')
            torch.save(full_checkpoint(cfg, torch.Generator().manual_seed(3)), path)
            states, _ = gather([path], cfg)
        from models.reference.skysense import SkySense
        model = SkySense(cfg, modules=[m for m in MODULE_NAMES if m != 'geo_context']).eval()
        for name in states:
            getattr(model, name).load_state_dict(states[name]['state'], strict=True)
        with torch.no_grad():
            out = model(hr=torch.randn(1, 3, 512, 512), s2=torch.randn(1, 2, 10, 16, 16),
                        s2_doy=torch.tensor([[1, 200]]), s1=torch.randn(1, 1, 2, 16, 16))
        self.assertEqual(tuple(out['fused'].shape), (1, 128, 16, 16))
        self.assertTrue(torch.isfinite(out['fused']).all())


if __name__ == '__main__':
    unittest.main()
