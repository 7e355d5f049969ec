"""convert.py refuses wrong, partial and non-checkpoint files before exporting anything, with a
message naming the file and the keys at fault."""
import os
import pickle
import tempfile
import unittest

import torch

from util import convert_in_process

from models.reference.configs import get_config
from official_layout import split_checkpoints


class BadCheckpoints(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir = cls.tmp.name
        cls.files = split_checkpoints(get_config('tiny'), torch.Generator().manual_seed(5))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def save(self, name, obj):
        path = os.path.join(self.dir, name)
        torch.save(obj, path)
        return path

    def convert(self, *args):
        out = tempfile.mkdtemp(dir=self.dir)
        p = convert_in_process('--config', 'tiny', '--out', out, '--no-verify', *args)
        return p, out

    def assertRefused(self, p, out, *needles):
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        for n in needles:
            self.assertIn(n, p.stderr)
        self.assertEqual(os.listdir(out), [], 'nothing may be written for a refused checkpoint')

    def test_missing_keys_are_named_and_counted(self):
        sd = dict(self.files['skysense_model_backbone_s2.pth'])
        for k in [k for k in sd if k.startswith('layers.3.')]:
            del sd[k]
        path = self.save('s2_missing_backbone_s2.pth', sd)
        p, out = self.convert('--checkpoint', path, '--modules', 's2_encoder')
        self.assertRefused(p, out, path, '12 missing keys', 'layers.3.attn.attn.in_proj_bias')

    def test_wrong_shapes_are_named(self):
        sd = dict(self.files['skysense_model_backbone_s2.pth'])
        sd['pos_embed'] = torch.zeros(1, 101, 128)
        path = self.save('s2_wrongshape.pth', sd)
        p, out = self.convert('--checkpoint', path, '--modules', 's2_encoder')
        self.assertRefused(p, out, '1 wrong shapes', 'pos_embed (1, 101, 128) vs model (1, 257, 128)')

    def test_unexpected_keys_are_named(self):
        sd = dict(self.files['skysense_model_fusion.pth'])
        sd['backbone.layers.9.ln1.weight'] = torch.zeros(128)
        fusion = self.save('skysense_model_fusion_extra.pth', sd)
        s2 = self.save('skysense_model_backbone_s2.pth', self.files['skysense_model_backbone_s2.pth'])
        p, out = self.convert('--checkpoint', fusion, '--checkpoint', s2, '--modules', 'fusion')
        self.assertRefused(p, out, '1 unexpected keys: layers.9.ln1.weight')

    def test_fusion_without_ctpe_points_to_the_s2_file(self):
        fusion = self.save('skysense_model_fusion.pth', self.files['skysense_model_fusion.pth'])
        p, out = self.convert('--checkpoint', fusion)
        self.assertRefused(p, out, '1 missing keys: ctpe', 'skysense_model_backbone_s2.pth')

    def test_module_not_provided(self):
        s2 = self.save('only_backbone_s2.pth', self.files['skysense_model_backbone_s2.pth'])
        p, out = self.convert('--checkpoint', s2, '--modules', 's1_encoder')
        self.assertRefused(p, out, 's1_encoder: none of the checkpoints')

    def test_text_file_is_not_a_checkpoint(self):
        path = os.path.join(self.dir, 'notes.pth')
        with open(path, 'w') as fh:
            fh.write('this is not a checkpoint\n')
        p, out = self.convert('--checkpoint', path)
        self.assertRefused(p, out, f'{path}: not a PyTorch checkpoint')

    def test_pickle_of_something_else(self):
        lst = self.save('list.pth', [torch.zeros(2)])
        p, out = self.convert('--checkpoint', lst)
        self.assertRefused(p, out, f'{lst}: holds a list, not a state dict')
        other = self.save('resnet.pth', {'conv1.weight': torch.zeros(2, 3, 1, 1), 'fc.bias': torch.zeros(2)})
        p, out = self.convert('--checkpoint', other)
        self.assertRefused(p, out, f'{other}: not a SkySense checkpoint', 'conv1.weight')

    def test_pickled_objects_need_trust(self):
        path = os.path.join(self.dir, 'with_objects.pth')
        with open(path, 'wb') as fh:
            # A class instance is outside what weights_only unpickling accepts.
            pickle.dump({'state_dict': self.files['skysense_model_head_s2.pth'], 'meta': unittest.TestCase}, fh)
        p, out = self.convert('--checkpoint', path)
        self.assertRefused(p, out, '--trust-checkpoint')

    def test_missing_file(self):
        p, out = self.convert('--checkpoint', os.path.join(self.dir, 'absent.pth'))
        self.assertRefused(p, out, 'absent.pth: no such file')


if __name__ == '__main__':
    unittest.main()
