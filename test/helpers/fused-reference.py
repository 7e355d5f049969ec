"""PyTorch reference of the fused-embed path, for the parity test (test/integration/fused-embed-parity.test.ts).

    /usr/bin/python3 test/helpers/fused-reference.py SPEC.json

SPEC: {
  "weights": {"checkpoint": PATH} | {"random_init": SEED, "config": "tiny"},
  "manifest": PATH,                       # the exported model's manifest (band order, mean/std)
  "tile": 64,
  "windows": [[x0, y0], ...],             # tile origins on the reference grid
  "frames": [{"modality": "s2"|"s1", "path": FILE, "bands": [1-based], "units": "DN"|"dB"|"linear",
              "date": "YYYY-MM-DD"}, ...],  # in fusion order: S2 frames, then S1
  "out": PATH                             # float32, windows x C x tile x tile, C-order
}
Independent of the TypeScript side: pixels come from GDAL (each file read on its own), a tile
reaching past the raster is mirror-padded with numpy's 'reflect', units and normalisation are
applied here, a value equal to the file's nodata (or NaN) becomes 0 after normalisation, and the
day of year comes from Python's calendar (tm_yday). Then, as models/reference/skysense.py does:
each frame through its ViT (last tap) and UPHead, frames stacked S2 then S1, and
FusionTransformer.forward_tokens with doy = day of year for S2 frames and 0 for S1.
"""
import datetime
import json
import os
import sys

import numpy as np
import torch
from osgeo import gdal

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, REPO)

from models.pretrain.checkpoint import load_official_state  # noqa: E402
from models.reference.configs import get_config  # noqa: E402
from models.reference.skysense import SkySense, build_module  # noqa: E402

NEEDED = ('s2_encoder', 's2_up', 's1_encoder', 's1_up', 'fusion')


def load_modules(weights):
    if 'checkpoint' in weights:
        obj = torch.load(weights['checkpoint'], map_location='cpu', weights_only=True)
        config = (obj.get('meta') or {}).get('config') or 'tiny'
        model = SkySense(get_config(config), modules=NEEDED)
        load_official_state(model, obj['model'])
        return {n: getattr(model, n).eval() for n in NEEDED}
    cfg = get_config(weights.get('config', 'tiny'))
    out = {}
    for n in NEEDED:
        # models/convert.py --random-init seeds before building each module.
        torch.manual_seed(weights['random_init'])
        out[n] = build_module(cfg, n).eval()
    return out


def read_window(path, bands, x0, y0, size):
    ds = gdal.Open(path)
    w, h = ds.RasterXSize, ds.RasterYSize
    rw, rh = min(size, w - x0), min(size, h - y0)
    arrs = []
    for b in bands:
        band = ds.GetRasterBand(b)
        a = band.ReadAsArray(x0, y0, rw, rh).astype(np.float64)
        nd = band.GetNoDataValue()
        if nd is not None:
            a[(a == nd) | (np.isnan(a) if np.isnan(nd) else False)] = np.nan
        arrs.append(a)
    x = np.stack(arrs)
    if rw < size or rh < size:
        x = np.pad(x, ((0, 0), (0, size - rh), (0, size - rw)), mode='reflect')
    return x


def main(spec_path):
    spec = json.load(open(spec_path))
    manifest = json.load(open(spec['manifest']))
    mods = load_modules(spec['weights'])
    size = spec['tile']
    frames = spec['frames']
    outs = []
    for x0, y0 in spec['windows']:
        tokens, doy = [], []
        for modality in ('s2', 's1'):
            fr = [f for f in frames if f['modality'] == modality]
            if not fr:
                continue
            mod = manifest['modalities'][modality]
            mean = np.array(mod['mean'])[:, None, None]
            std = np.array(mod['std'])[:, None, None]
            batch = []
            for f in fr:
                x = read_window(f['path'], f['bands'], x0, y0, size)
                if f['units'] == 'linear':
                    x = 10 * np.log10(np.maximum(x, 1e-10))
                elif f['units'] == 'reflectance':
                    x = x * mod.get('scale', 10000)
                x = (x - mean) / std
                x[np.isnan(x)] = 0
                batch.append(x.astype(np.float32))
                day = datetime.date.fromisoformat(f['date']).timetuple().tm_yday
                doy.append(day if modality in manifest['dateEmbedding']['appliesTo'] else 0)
            with torch.no_grad():
                feat = mods[f'{modality}_encoder'](torch.from_numpy(np.stack(batch)))[-1]
                tokens.append(mods[f'{modality}_up'](feat))
        with torch.no_grad():
            t = torch.cat(tokens, 0)[None]
            fused = mods['fusion'].forward_tokens(t, torch.tensor([doy], dtype=torch.long))
        outs.append(fused[0].numpy().astype(np.float32))
    np.stack(outs).tofile(spec['out'])
    print(json.dumps({'windows': len(outs), 'shape': list(outs[0].shape), 'doy': doy}))


if __name__ == '__main__':
    torch.set_num_threads(2)
    main(sys.argv[1])
