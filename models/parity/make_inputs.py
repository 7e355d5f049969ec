"""PyTorch side of the ONNX parity check, on real imagery.

    /usr/bin/python3 -m models.parity.make_inputs --out DIR [--config tiny] [--seed 0] [--model DIR]

1. Exports a random-init model folder with models/convert.py --random-init (fixed seed) into DIR/model
   (or uses --model, an existing folder exported with --random-init and the same seed).
2. Rebuilds each module exactly as convert.py does (torch.manual_seed(seed); build_module) and runs it
   in PyTorch on real tiles, normalised with the manifest's mean/std:
     hr_encoder   LoveDA img_dir/0.png, centre crop of the manifest's HR tile size (0-255)
     s2_encoder   OSCD bercy date 1, 10 bands in manifest order, centre 64x64 (20 m bands -> 10 m grid)
     s1_encoder   Sen1Floods11 Spain_7370579 VV/VH dB, centre 64x64 (NaN -> band mean, i.e. 0 after norm)
     s2_up/s1_up  the last ViT output of the two cases above
     fusion       SSL4EO-S12 location 0000200: two S2 L2A dates and two S1 dates, crop = HR tile / 32,
                  through s2/s1 encoders + UPHeads, plus the HR feat_s32 of the LoveDA tile (not
                  co-located: parity needs matching grids, not matching ground), doy from folder names
     geo_context  the fusion output, lat/lon of the SSL4EO crop centre
   The PyTorch modules are the plain reference ones (not the export wrappers), so export-time
   rewrites (baked position bias, in-graph pos-embed resize) are checked too.
   With --repeat N each module's PyTorch forward is also timed N times (after a warm-up) and its
   matmul/conv FLOPs counted (models/parity/timing.py), for test/bench/model-latency.bench.ts.
3. Writes each module's ONNX inputs and PyTorch outputs as raw little-endian .bin files and
   DIR/index.json: {model, config, cases: [{module, source, inputs: [{name, dtype, shape, file}], outputs: [...]}]}.
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
from models.parity.timing import matmul_flops, time_ms  # noqa: E402
from models.reference.configs import get_config  # noqa: E402
from models.reference.skysense import build_module  # noqa: E402

DATA = os.path.normpath(os.path.join(REPO, '..', 'shared', 'data'))
OSCD_CITY = 'bercy'


def export_random_model(out, config, seed):
    cmd = ['/usr/bin/python3', os.path.join(REPO, 'models', 'convert.py'), '--random-init', '--config', config,
           '--out', out, '--seed', str(seed), '--no-verify']
    p = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f'models/convert.py failed ({p.returncode}):\n{p.stderr[-4000:]}')


def normalise(x, modality, axis=-3):
    """(x - mean) / std per band; NaN (nodata) becomes the band mean, i.e. 0."""
    mean = np.asarray(modality['mean'], np.float32)
    std = np.asarray(modality['std'], np.float32)
    shape = [1] * x.ndim
    shape[axis] = -1
    y = (x - mean.reshape(shape)) / std.reshape(shape)
    return np.nan_to_num(y, nan=0.0).astype(np.float32)


class Writer:
    def __init__(self, out, repeat=0):
        self.out = out
        self.repeat = repeat  # > 0: also time the PyTorch forward (benchmark)
        self.cases = []
        self.n = 0

    def _tensor(self, name, arr):
        arr = np.ascontiguousarray(arr)
        dtype = {'float32': 'float32', 'int64': 'int64'}[str(arr.dtype)]
        f = f't{self.n:03d}_{name}.bin'
        self.n += 1
        arr.astype('<' + arr.dtype.str[1:]).tofile(os.path.join(self.out, f))
        return {'name': name, 'dtype': dtype, 'shape': list(arr.shape), 'file': f}

    def case(self, module, source, inputs, outputs, fn=None):
        """fn: the PyTorch call that produced `outputs`, timed when repeat > 0."""
        entry = {
            'module': module, 'source': source,
            'inputs': [self._tensor(k, v) for k, v in inputs.items()],
            'outputs': [self._tensor(k, v) for k, v in outputs.items()],
        }
        if self.repeat > 0 and fn is not None:
            entry['torch'] = {'ms': [round(v, 3) for v in time_ms(fn, self.repeat)], 'flops': matmul_flops(fn),
                              'threads': torch.get_num_threads()}
        self.cases.append(entry)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--out', required=True)
    ap.add_argument('--config', default='tiny')
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--model', help='existing random-init folder exported with the same --config/--seed')
    ap.add_argument('--repeat', type=int, default=0, help='also time each PyTorch forward this many times')
    args = ap.parse_args(argv)
    torch.set_num_threads(2)
    os.makedirs(args.out, exist_ok=True)
    t0 = time.time()
    model_dir = args.model or os.path.join(args.out, 'model')
    if not args.model:
        export_random_model(model_dir, args.config, args.seed)
    t_export = time.time() - t0
    with open(os.path.join(model_dir, 'manifest.json')) as fh:
        manifest = json.load(fh)
    if manifest['provenance']['weights'] != 'random-init' or manifest['provenance'].get('seed') != args.seed:
        raise SystemExit(f'{model_dir}: not a random-init export with seed {args.seed}')
    cfg = get_config(manifest['config'])
    mods = manifest['modules']
    modal = manifest['modalities']

    def build(name):
        torch.manual_seed(args.seed)  # what convert.py does before building each module
        return build_module(cfg, name).eval()

    def names(module):
        return [o['name'] for o in mods[module]['outputs']]

    w = Writer(args.out, args.repeat)
    hr_size = mods['hr_encoder']['tile']['size'] if 'hr_encoder' in mods else 512
    s2_size = mods['s2_encoder']['tile']['size'] if 's2_encoder' in mods else 64
    s1_size = mods['s1_encoder']['tile']['size'] if 's1_encoder' in mods else 64
    grid = hr_size // 32  # S2/S1 pixels per HR tile edge: the fusion grid
    built = {n: build(n) for n in mods}

    with torch.no_grad():
        hr_feats = None
        if 'hr_encoder' in mods:
            x = normalise(ri.loveda_hr(DATA, hr_size)[None], modal['hr'])
            xt = torch.from_numpy(x)
            outs = built['hr_encoder'](xt)
            w.case('hr_encoder', f'LoveDA img_dir/0.png centre {hr_size}x{hr_size}', {'image': x},
                   dict(zip(names('hr_encoder'), [o.numpy() for o in outs])), lambda: built['hr_encoder'](xt))
            hr_feats = outs[-1]

        def spatial(key, raw, source):
            enc, up = f'{key}_encoder', f'{key}_up'
            x = normalise(raw[None], modal[key])
            xt = torch.from_numpy(x)
            outs = built[enc](xt)
            w.case(enc, source, {'image': x}, dict(zip(names(enc), [o.numpy() for o in outs])), lambda: built[enc](xt))
            if up in mods:
                feat = outs[-1]
                w.case(up, f'last {enc} output on {source}', {mods[up]['inputs'][0]['name']: feat.numpy()},
                       {names(up)[0]: built[up](feat).numpy()}, lambda: built[up](feat))

        if 's2_encoder' in mods:
            bands = modal['s2']['bands']
            spatial('s2', ri.oscd_s2(DATA, OSCD_CITY, bands, s2_size),
                    f'OSCD {OSCD_CITY} imgs_1 {",".join(bands)} centre {s2_size}x{s2_size}')
        if 's1_encoder' in mods:
            raw, chip = ri.sen1floods11_s1(DATA, modal['s1']['bands'], s1_size)
            nan = int(np.isnan(raw).sum())
            spatial('s1', raw, f'Sen1Floods11 {chip} VV,VH dB centre {s1_size}x{s1_size} ({nan} NaN)')

        if 'fusion' in mods:
            series = ri.ssl4eo_series(DATA, modal['s2']['bands'], modal['s1']['bands'], grid)
            frames = []
            for key in ('s2', 's1'):
                x = normalise(series[key], modal[key])  # (T, C, g, g): frames folded into the batch
                feat = built[f'{key}_encoder'](torch.from_numpy(x))[-1]
                frames.append(built[f'{key}_up'](feat).unsqueeze(0))  # (1, T, C, g, g)
            s2_doy = torch.tensor([[ri.day_of_year_index(d) + 1 for d in series['s2_dates']]])
            fused = built['fusion'](hr=hr_feats, s2=frames[0], s2_doy=s2_doy, s1=frames[1])
            tokens = torch.cat([hr_feats.unsqueeze(1), frames[0], frames[1]], dim=1)
            doy = torch.cat([torch.zeros(1, 1, dtype=torch.long), s2_doy,
                             torch.zeros(1, frames[1].shape[1], dtype=torch.long)], dim=1)
            src = (f'SSL4EO-S12 0000200 S2 L2A {",".join(series["s2_dates"])} + S1 {",".join(series["s1_dates"])} '
                   f'centre {grid}x{grid}, HR feat_s32 of the LoveDA tile; doy {doy.tolist()[0]}')
            w.case('fusion', src, {'tokens': tokens.numpy(), 'doy': doy.numpy()}, {names('fusion')[0]: fused.numpy()},
                   lambda: built['fusion'].forward_tokens(tokens, doy))
            if 'geo_context' in mods:
                lat, lon = ssl4eo_centre(grid)
                la = np.array([lat], np.float32)
                lo = np.array([lon], np.float32)
                lat_t, lon_t = torch.from_numpy(la), torch.from_numpy(lo)
                geo = built['geo_context'](fused, lat_t, lon_t)
                w.case('geo_context', f'fusion output above at lat {lat:.4f} lon {lon:.4f}',
                       {'fused': fused.numpy(), 'lat': la, 'lon': lo}, {names('geo_context')[0]: geo.numpy()},
                       lambda: built['geo_context'](fused, lat_t, lon_t))

    index = {'model': os.path.relpath(model_dir, args.out) if not args.model else os.path.abspath(model_dir),
             'config': manifest['config'], 'cases': w.cases,
             'seconds': {'export': round(t_export, 1), 'torch': round(time.time() - t0 - t_export, 1)}}
    tmp = os.path.join(args.out, '.index.json.tmp')
    with open(tmp, 'w') as fh:
        json.dump(index, fh, indent=1)
    os.replace(tmp, os.path.join(args.out, 'index.json'))
    return 0


def ssl4eo_centre(size):
    """Latitude/longitude of the centre of the centred crop on the S2 10 m grid."""
    from osgeo import gdal
    root = os.path.join(DATA, 's1s2', 'ssl4eo-s12', 's2a', '0000200')
    first = sorted(os.listdir(root))[0]
    ds = gdal.Open(os.path.join(root, first, 'B2.tif'))
    gt = ds.GetGeoTransform()
    xoff, yoff = (ds.RasterXSize - size) // 2, (ds.RasterYSize - size) // 2
    lon = gt[0] + (xoff + size / 2) * gt[1]
    lat = gt[3] + (yoff + size / 2) * gt[5]
    return lat, lon


if __name__ == '__main__':
    sys.exit(main())
