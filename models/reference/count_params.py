"""Print per-module parameter counts of a SkySense config as JSON, without allocating weights.

    /usr/bin/python3 models/reference/count_params.py --config official [--modules hr_encoder,fusion]

Modules are built on torch's 'meta' device (shapes only, no storage), so the official 2 B-parameter
model is counted in a second with no memory. Non-persistent buffers (Swin position tables) are not
parameters and are not counted. The fusion count is split into the transformer and its calendar
table (ctpe) because the official files store ctpe with the S2 encoder.

API
    count_parameters(module) -> int
    count_config(cfg, modules=MODULE_NAMES) -> dict name -> int (+ 'fusion_ctpe', 'total')
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

import torch  # noqa: E402

from models.reference.configs import CONFIG_NAMES, get_config  # noqa: E402
from models.reference.skysense import MODULE_NAMES, build_module  # noqa: E402


def count_parameters(module):
    return sum(p.numel() for p in module.parameters())


def count_config(cfg, modules=MODULE_NAMES):
    counts = {}
    for name in modules:
        m = build_module(cfg, name, device='meta')
        counts[name] = count_parameters(m)
        if name == 'fusion' and m.ctpe is not None:
            counts['fusion_ctpe'] = m.ctpe.numel()
            counts['fusion'] -= m.ctpe.numel()
    counts['total'] = sum(v for k, v in counts.items() if k != 'total')
    return counts


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--config', default='official', choices=CONFIG_NAMES)
    ap.add_argument('--modules', default=','.join(MODULE_NAMES), help='comma-separated module names')
    args = ap.parse_args(argv)
    torch.set_num_threads(2)
    modules = [m for m in args.modules.split(',') if m]
    print(json.dumps(count_config(get_config(args.config), modules), indent=2))


if __name__ == '__main__':
    main()
