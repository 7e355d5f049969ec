"""PyTorch reference of the fused-embed path, for the parity test (test/integration/fused-embed-parity.test.ts).

    /usr/bin/python3 test/helpers/fused-reference.py SPEC.json

SPEC: {
  "weights": {"checkpoint": PATH} | {"random_init": SEED, "config": "tiny"},
  "manifest": PATH,                       # the exported model's manifest (band order, mean/std)
  "tile": 64,
  "windows": [[x0, y0], ...],             # tile origins on the reference grid
  "frames": [{"modality": "s2"|"s1", "path": FILE, "bands": [1-based], "units": "DN"|"dB"|"linear",
              "date": "YYYY-MM-DD"}, ...],  # in fusion order: S2 frames, then S1
  "hr": {"path": FILE, "bands": [1-based], "grid": {"geoTransform": [6], "width": W, "height": H},
         "tile": 512, "stride": 32} | absent,  # an HR frame: warped with gdalwarp -r average onto
                                                # the grid, one encoder tile (mirror-padded), the
                                                # stride-32 features mirror-padded to the tile
  "out": PATH                             # float32, windows x C x tile x tile, C-order
}
Independent of the TypeScript side: pixels come from GDAL (each file read on its own), a tile
reaching past the raster is mirror-padded with numpy's 'reflect', units and normalisation are
applied here, a value equal to the file's nodata (or NaN) becomes 0 after normalisation, and the
day of year comes from Python's calendar (tm_yday). Then, as models/reference/skysense.py does:
each frame through its ViT (last tap) and UPHead, frames stacked (HR,) S2 then S1, and
FusionTransformer.forward_tokens with doy = day of year for S2 frames and 0 for HR and S1.
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


def load_modules(weights, needed):
    if 'checkpoint' in weights:
        obj = torch.load(weights['checkpoint'], map_location='cpu', weights_only=True)
        config = (obj.get('meta') or {}).get('config') or 'tiny'
        model = SkySense(get_config(config), modules=needed)
        load_official_state(model, obj['model'])
        return {n: getattr(model, n).eval() for n in needed}
    cfg = get_config(weights.get('config', 'tiny'))
    out = {}
    for n in needed:
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


def hr_tokens(hr, mods, manifest, windows, size, tmp):
    """The HR frame's tokens per window: features on the reference grid, mirror-padded."""
    g = hr['grid']
    gt = g['geoTransform']
    warped = tmp + '.hr.tif'
    gdal.Warp(warped, hr['path'], format='GTiff', resampleAlg='average', outputType=gdal.GDT_Float32,
              outputBounds=(gt[0], gt[3] + g['height'] * gt[5], gt[0] + g['width'] * gt[1], gt[3]),
              xRes=gt[1], yRes=-gt[5])
    mod = manifest['modalities']['hr']
    x = read_window(warped, hr['bands'], 0, 0, max(hr['tile'], g['width'], g['height']))
    os.remove(warped)
    x = (x - np.array(mod['mean'])[:, None, None]) / np.array(mod['std'])[:, None, None]
    x[np.isnan(x)] = 0
    if x.shape[1] != hr['tile'] or x.shape[2] != hr['tile']:
        raise SystemExit('the reference handles an HR grid of one tile only')
    with torch.no_grad():
        feat = mods['hr_encoder'](torch.from_numpy(x[None].astype(np.float32)))[-1][0].numpy()
    s = hr['stride']
    feat = feat[:, :g['height'] // s, :g['width'] // s].astype(np.float64)
    out = []
    for x0, y0 in windows:
        f = feat[:, y0:y0 + size, x0:x0 + size]
        h, w = f.shape[1:]
        if h < size or w < size:
            f = np.pad(f, ((0, 0), (0, size - h), (0, size - w)), mode='reflect')
        out.append(torch.from_numpy(f.astype(np.float32))[None])
    return out


def main(spec_path):
    spec = json.load(open(spec_path))
    manifest = json.load(open(spec['manifest']))
    hr = spec.get('hr')
    mods = load_modules(spec['weights'], NEEDED + (('hr_encoder',) if hr else ()))
    size = spec['tile']
    frames = spec['frames']
    hr_frames = hr_tokens(hr, mods, manifest, spec['windows'], size, spec['out']) if hr else None
    outs = []
    for k, (x0, y0) in enumerate(spec['windows']):
        tokens, doy = ([hr_frames[k]], [0]) if hr else ([], [])
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
