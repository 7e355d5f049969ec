"""Official parameter counts equal the numbers in SKYSENSE.md §1, built on the meta device."""
import json
import subprocess
import unittest

from util import PYTHON, REPO  # noqa: F401  (sets sys.path)

from models.reference.configs import get_config
from models.reference.count_params import count_config
from models.reference.skysense import build_module

# SKYSENSE.md §1.2-1.5 (the HR figure is validated there against a measurement on the real file).
OFFICIAL = {
    'hr_encoder': 655_079_632,
    's2_encoder': 302_738_432,
    's1_encoder': 302_607_360,
    's2_up': 46_182_400,
    's1_up': 46_182_400,
    'fusion': 305_195_008,
    'fusion_ctpe': 1_027_840,
}


class ParamCounts(unittest.TestCase):
    def test_official_counts_match_skysense_md(self):
        counts = count_config(get_config('official'), [m for m in OFFICIAL if m != 'fusion_ctpe'])
        for name, n in OFFICIAL.items():
            self.assertEqual(counts[name], n, name)

    def test_cli_prints_json(self):
        p = subprocess.run([PYTHON, 'models/reference/count_params.py', '--config', 'official'], cwd=REPO,
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        counts = json.loads(p.stdout)
        for name, n in OFFICIAL.items():
            self.assertEqual(counts[name], n, name)
        self.assertEqual(counts['total'], sum(v for k, v in counts.items() if k != 'total'))

    def test_meta_build_allocates_no_weights(self):
        m = build_module(get_config('official'), 'hr_encoder', device='meta')
        self.assertTrue(all(p.is_meta for p in m.parameters()))
        # 24 blocks x 2 rebuilt buffers exist but are not persistent, so never saved nor expected.
        names = set(m.state_dict())
        self.assertFalse(any('relative_' in k for k in names))
        self.assertEqual(sum(1 for k, _ in m.named_buffers() if 'relative_' in k), 48)


if __name__ == '__main__':
    unittest.main()
