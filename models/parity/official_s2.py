"""Official-size S2 branch (ViT-L, 303 M parameters) from an official-layout checkpoint, on a real tile.

    /usr/bin/python3 -m models.parity.official_s2 --out DIR [--seed 0] [--city bercy]

1. Writes DIR/skysense_model_backbone_s2.pth with random tensors under the official key names and
   shapes (ViT keys with no prefix + top-level ctpe (1, 365, 2816), as the released split file),
   using models/tests/official_layout.py (written from the documentation, independently of
   models/reference).
2. Converts it: models/convert.py --checkpoint FILE --config official --modules s2_encoder --out DIR/model.
   The checkpoint is deleted afterwards (1.2 GB).
3. Loads the same checkpoint state into the reference ViT-L and runs it in PyTorch on the OSCD
   tile (10 bands, centre 64x64, normalised with the manifest), writing input and outputs as in
   make_inputs.py (DIR/index.json, one case 's2_encoder'), with timings of each step; --repeat N
   also times the forward N times and counts its FLOPs (benchmark).
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np
import torch

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if REPO not in sys.path:
    sys.path.insert(0, REPO)

from models.parity import real_inputs as ri  # noqa: E402
from models.parity.make_inputs import DATA, Writer, normalise  # noqa: E402
from models.reference.configs import get_config  # noqa: E402
from models.reference.official_checkpoint import gather, load_into  # noqa: E402
from models.reference.skysense import build_module  # noqa: E402
from models.tests.official_layout import ctpe_shape, vit_keys  # noqa: E402

CKPT = 'skysense_model_backbone_s2.pth'


def write_checkpoint(path, cfg, seed):
    gen = torch.Generator().manual_seed(seed)
    state = {}
    for k, shape in vit_keys(cfg['s2']).items():
        # Small weights keep 24 random layers finite; LayerNorm gains near 1 like trained ones.
        t = torch.randn(shape, generator=gen) * 0.02
        if k.endswith(('ln1.weight', 'ln2.weight')):
            t += 1.0
        state[k] = t
    state['ctpe'] = torch.randn(ctpe_shape(cfg), generator=gen) * 0.02
    tmp = path + '.tmp'
    torch.save(state, tmp)
    os.replace(tmp, path)
    return sum(v.numel() for v in state.values())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--out', required=True)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--city', default='bercy')
    ap.add_argument('--repeat', type=int, default=0, help='also time the PyTorch forward this many times')
    args = ap.parse_args(argv)
    torch.set_num_threads(2)
    os.makedirs(args.out, exist_ok=True)
    cfg = get_config('official')
    ckpt = os.path.join(args.out, CKPT)
    model_dir = os.path.join(args.out, 'model')
    times = {}

    t = time.time()
    n_params = write_checkpoint(ckpt, cfg, args.seed)
    times['write_checkpoint'] = time.time() - t

    t = time.time()
    p = subprocess.run(['/usr/bin/python3', os.path.join(REPO, 'models', 'convert.py'), '--checkpoint', ckpt,
                        '--config', 'official', '--modules', 's2_encoder', '--out', model_dir, '--no-verify'],
                       cwd=REPO, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f'models/convert.py failed ({p.returncode}):\n{p.stderr[-4000:]}')
    times['convert'] = time.time() - t

    t = time.time()
    states, _ = gather([ckpt], cfg)
    module = build_module(cfg, 's2_encoder', device='meta')
    module = module.to_empty(device='cpu')
    load_into(module, 's2_encoder', states['s2_encoder']['state'], states['s2_encoder']['sources'], cfg)
    module.eval()
    del states
    os.remove(ckpt)
    times['load_torch'] = time.time() - t

    with open(os.path.join(model_dir, 'manifest.json')) as fh:
        manifest = json.load(fh)
    spec = manifest['modules']['s2_encoder']
    s2 = manifest['modalities']['s2']
    size = spec['tile']['size']
    x = normalise(ri.oscd_s2(DATA, args.city, s2['bands'], size)[None], s2)

    t = time.time()
    with torch.no_grad():
        outs = module(torch.from_numpy(x))
    times['torch_forward'] = time.time() - t

    w = Writer(args.out, args.repeat)
    xt = torch.from_numpy(x)
    w.case('s2_encoder', f'OSCD {args.city} imgs_1 {",".join(s2["bands"])} centre {size}x{size}', {'image': x},
           {o['name']: r.numpy() for o, r in zip(spec['outputs'], outs)}, lambda: module(xt))
    index = {'model': 'model', 'config': 'official', 'cases': w.cases, 'parameters': n_params,
             'onnxBytes': os.path.getsize(os.path.join(model_dir, spec['file'])),
             'seconds': {k: round(v, 2) for k, v in times.items()}}
    with open(os.path.join(args.out, '.index.json.tmp'), 'w') as fh:
        json.dump(index, fh, indent=1)
    os.replace(os.path.join(args.out, '.index.json.tmp'), os.path.join(args.out, 'index.json'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
