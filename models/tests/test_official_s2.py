"""The official-size Sentinel-2 ViT-L (302.7 M parameters, 1.2 GB) converts from a file in the
official split layout (skysense_model_backbone_s2.pth: ViT keys without prefix + ctpe) and runs in
onnxruntime-node on one 64x64 tile (convert.py compares it with PyTorch).

Set SKYSENSE_OFFICIAL_S2_OUT=DIR to keep the model folder (the parity harness reads it)."""
import json
import os
import shutil
import tempfile
import unittest

import torch

from util import convert_in_process

from models.reference.configs import get_config
from official_layout import ctpe_shape, vit_keys


class OfficialS2(unittest.TestCase):
    def test_convert_official_s2_vit_large(self):
        cfg = get_config('official')
        with tempfile.TemporaryDirectory() as d:
            gen = torch.Generator().manual_seed(7)
            state = {k: torch.randn(s, generator=gen) * 0.02 for k, s in vit_keys(cfg['s2']).items()}
            state['ctpe'] = torch.randn(ctpe_shape(cfg), generator=gen) * 0.02
            self.assertEqual(sum(v.numel() for k, v in state.items() if k != 'ctpe'), 302_738_432)
            ckpt = os.path.join(d, 'skysense_model_backbone_s2.pth')
            torch.save(state, ckpt)
            del state
            keep = os.environ.get('SKYSENSE_OFFICIAL_S2_OUT')
            out = keep or os.path.join(d, 'skysense-official-s2')
            if keep and os.path.isdir(keep):
                shutil.rmtree(keep)
            p = convert_in_process('--checkpoint', ckpt, '--config', 'official', '--modules', 's2_encoder',
                                   '--out', out, '--s2-size', '64', '--name', 'skysense-official-s2-random',
                                   '--title', 'SkySense official-size S2 ViT-L (random tensors, official layout)')
            self.assertEqual(p.returncode, 0, p.stderr)
            line = json.loads(p.stdout.splitlines()[0])
            self.assertLess(line['ort_max_rel_diff'], 1e-4)
            with open(os.path.join(out, 'manifest.json')) as fh:
                man = json.load(fh)
            self.assertEqual(man['provenance']['weights'], 'converted')
            self.assertEqual(man['provenance']['checkpoint'][0]['file'], 'skysense_model_backbone_s2.pth')
            mod = man['modules']['s2_encoder']
            self.assertEqual(mod['outputs'][-1]['shape'], ['batch', 1024, 'h4', 'w4'])
            self.assertGreater(os.path.getsize(os.path.join(out, mod['file'])), 1.2e9)
            print(f"\n  official S2 ViT-L: export {line['export_s']} s, ORT 64x64 {line['ort_ms']} ms, "
                  f"total {line['total_s']} s", end=' ')


if __name__ == '__main__':
    unittest.main()
