"""Times the PyTorch reference encoder on given tiles (test/bench/engine-throughput.bench.ts).

    python3 -m models.parity.time_encoder_tiles --tiles T.f32 --shape N,C,H,W [--module s2_encoder]
        [--config tiny] [--batch 4] [--threads 2]

The tiles are the engine's own normalised inputs (raw float32, NCHW). Weights are a seed-0
initialisation: the time of a forward pass does not depend on the weight values. Prints one JSON
line: per-tile milliseconds over all tiles (after one warm-up batch) and the run's settings.
"""
import argparse
import json
import time

import numpy as np
import torch

from models.reference.configs import get_config
from models.reference.skysense import build_module


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--tiles', required=True)
    ap.add_argument('--shape', required=True, help='N,C,H,W')
    ap.add_argument('--module', default='s2_encoder')
    ap.add_argument('--config', default='tiny')
    ap.add_argument('--batch', type=int, default=4)
    ap.add_argument('--threads', type=int, default=2)
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    n, c, h, w = (int(v) for v in a.shape.split(','))
    x = torch.from_numpy(np.fromfile(a.tiles, dtype=np.float32).reshape(n, c, h, w))
    torch.manual_seed(0)
    model = build_module(get_config(a.config), a.module).eval()
    with torch.no_grad():
        model(x[: a.batch])
        t0 = time.perf_counter()
        for i in range(0, n, a.batch):
            model(x[i:i + a.batch])
        ms = (time.perf_counter() - t0) * 1000.0
    print(json.dumps({'module': a.module, 'config': a.config, 'tiles': n, 'batch': a.batch, 'threads': a.threads,
                      'msPerTile': ms / n, 'torch': torch.__version__}))


if __name__ == '__main__':
    main()
