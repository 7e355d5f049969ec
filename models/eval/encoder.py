"""The frozen SkySense under test: our pre-trained teacher weights or the same architecture at
random initialisation, with the feature extractors the probes use.

API
    EvalError(ValueError)   bad checkpoint / input; the message names the file and the problem
    FrozenSkySense.from_checkpoint(path, config=None) -> FrozenSkySense
        path: skysense_pretrained.pth from models/pretrain (official full layout + geo_context +
        'meta'); the config comes from meta['config'] unless given. Every module the probes use
        must be in the file (a missing one would silently stay random).
    FrozenSkySense.random(config='tiny', seed=0) -> FrozenSkySense   torch.manual_seed(seed), then
        SkySense(cfg): the seed train.py sets before it builds the student.
    .s2_dense(image, tile, origins=None) / .s1_dense(...) -> iterator of (y, x, feat (256, h, w) float32)
        image: (10, H, W) reflectance x 10000 (SkySense band order) / (2, H, W) VV, VH in dB.
        Non-overlapping tile x tile windows (the scene reflect-padded to a multiple of tile; only
        the listed window origins when given), each through the ViT (last tap) and its UPHead:
        one feature vector per input pixel. Windows never mix pixels across a tile edge, so a
        split along tile edges leaks nothing between train and test.
    tile_origins(h, w, tile) -> [(y, x)] the window origins of a scene
    .hr_dense(rgb) -> (sum of stage widths, H/4, W/4): the four Swin stages, normalised as in
        pre-training, upsampled bilinearly to stride 4 and stacked.
    .series(s2, s2_doy, s1) -> (N, fusion width): the fusion cls token of per-pixel series
        s2: (N, T, 10) reflectance x 10000, s2_doy: (N, T) day of year, s1: (N, T1, 2) dB or None.
        Each pixel becomes a constant PIXEL_PATCH x PIXEL_PATCH image (one ViT token); the fused map
        is averaged over its locations.
Inputs are normalised with the statistics the pre-training used (models/pretrain/data/bands.py).
"""
import numpy as np
import torch
import torch.nn.functional as F

from models.pretrain.checkpoint import OFFICIAL_PREFIX, load_official_state
from models.pretrain.data.bands import HR_MEAN, HR_STD, S1_MEAN, S1_STD, S2_MEAN, S2_STD
from models.reference.configs import CONFIG_NAMES, get_config
from models.reference.skysense import SkySense

PROBED = ('hr_encoder', 's2_encoder', 's1_encoder', 's2_up', 's1_up', 'fusion')
PIXEL_PATCH = 4
TILE_BATCH = 32
SERIES_BATCH = 128


class EvalError(ValueError):
    pass


def tile_origins(h, w, tile):
    return [(y, x) for y in range(0, h, tile) for x in range(0, w, tile)]


def _norm(x, mean, std):
    return (x - mean[:, None, None]) / std[:, None, None]


class FrozenSkySense:
    def __init__(self, model, label, source):
        self.model = model.eval()
        for p in self.model.parameters():
            p.requires_grad_(False)
        self.label = label
        self.source = source

    @classmethod
    def random(cls, config='tiny', seed=0):
        torch.manual_seed(seed)
        return cls(SkySense(get_config(config)), 'random', {'kind': 'random-init', 'config': config, 'seed': seed})

    @classmethod
    def from_checkpoint(cls, path, config=None):
        try:
            obj = torch.load(path, map_location='cpu', weights_only=True)
        except FileNotFoundError:
            raise EvalError(f'{path}: no such file') from None
        except Exception as e:  # noqa: BLE001  unpicklers raise many types on foreign bytes
            raise EvalError(f'{path}: not a checkpoint of tensors ({type(e).__name__}: '
                            f'{(str(e).splitlines() or [""])[0][:120]}); pass the run\'s skysense_pretrained.pth '
                            f'(the teacher weights), not state.pt') from None
        if not isinstance(obj, dict) or not isinstance(obj.get('model'), dict):
            raise EvalError(f'{path}: expected {{"model": state dict, "meta": ...}} as written by models/pretrain')
        state, meta = obj['model'], obj.get('meta') or {}
        config = config or meta.get('config') or 'tiny'
        if config not in CONFIG_NAMES:
            raise EvalError(f'{path}: config {config!r} unknown (known: {", ".join(CONFIG_NAMES)})')
        have = {name for name, prefix in OFFICIAL_PREFIX.items() if any(k.startswith(prefix) for k in state)}
        if 'ctpe' in state:
            have.add('fusion')
        missing = [m for m in PROBED if m not in have]
        if missing:
            raise EvalError(f'{path}: no weights for {", ".join(missing)}; the probes need every encoder, '
                            f'both UPHeads and the fusion')
        model = SkySense(get_config(config))
        try:
            load_official_state(model, state)
        except (KeyError, RuntimeError) as e:
            first = str(e).splitlines()[0][:300]
            raise EvalError(f'{path}: does not load into SkySense-{config} ({first})') from None
        source = {'kind': 'pretrained', 'config': config, 'file': str(path),
                  'steps': meta.get('steps'), 'seed': meta.get('seed')}
        return cls(model, 'pretrained', source)

    # -- dense S2 / S1 features -------------------------------------------------------------------
    def _vit_dense(self, encoder, up, image, mean, std, tile, origins):
        c, h, w = image.shape
        x = torch.from_numpy(_norm(image.astype(np.float32), mean, std))
        ph, pw = (-h) % tile, (-w) % tile
        if ph or pw:
            # reflect keeps the statistics of the border tiles natural; constant 0 would be a fake edge
            x = F.pad(x[None], (0, pw, 0, ph), mode='reflect')[0]
        origins = tile_origins(h, w, tile) if origins is None else list(origins)
        for i in range(0, len(origins), TILE_BATCH):
            batch = origins[i:i + TILE_BATCH]
            xb = torch.stack([x[:, y:y + tile, xx:xx + tile] for y, xx in batch])
            with torch.no_grad():
                feat = up(encoder(xb)[-1]).numpy()
            for (y, xx), f in zip(batch, feat):
                yield y, xx, f[:, :min(tile, h - y), :min(tile, w - xx)]

    def s2_dense(self, image, tile=32, origins=None):
        if image.shape[0] != len(S2_MEAN):
            raise EvalError(f'S2 input has {image.shape[0]} bands, expected {len(S2_MEAN)}')
        m = self.model
        return self._vit_dense(m.s2_encoder, m.s2_up, image, S2_MEAN, S2_STD, tile, origins)

    def s1_dense(self, image, tile=32, origins=None):
        if image.shape[0] != len(S1_MEAN):
            raise EvalError(f'S1 input has {image.shape[0]} bands, expected {len(S1_MEAN)} (VV, VH)')
        m = self.model
        return self._vit_dense(m.s1_encoder, m.s1_up, image, S1_MEAN, S1_STD, tile, origins)

    # -- HR ------------------------------------------------------------------------------------------
    def hr_dense(self, rgb):
        x = torch.from_numpy(_norm(rgb.astype(np.float32), HR_MEAN, HR_STD))[None]
        h4, w4 = rgb.shape[1] // 4, rgb.shape[2] // 4
        with torch.no_grad():
            stages = self.model.hr_encoder(x)
            maps = [s if s.shape[-2:] == (h4, w4) else
                    F.interpolate(s, size=(h4, w4), mode='bilinear', align_corners=False) for s in stages]
            return torch.cat(maps, dim=1)[0].numpy()

    # -- per-pixel series --------------------------------------------------------------------------
    def series(self, s2, s2_doy, s1=None):
        m, p = self.model, PIXEL_PATCH
        out = []
        for i in range(0, s2.shape[0], SERIES_BATCH):
            a = torch.from_numpy(((s2[i:i + SERIES_BATCH] - S2_MEAN) / S2_STD).astype(np.float32))
            n, t = a.shape[:2]
            frames = [a.reshape(n * t, -1, 1, 1).expand(-1, -1, p, p)]
            mods = [(m.s2_encoder, m.s2_up, t)]
            days = [torch.from_numpy(s2_doy[i:i + SERIES_BATCH].astype(np.int64))]
            if s1 is not None:
                b = torch.from_numpy(((s1[i:i + SERIES_BATCH] - S1_MEAN) / S1_STD).astype(np.float32))
                t1 = b.shape[1]
                frames.append(b.reshape(n * t1, -1, 1, 1).expand(-1, -1, p, p))
                mods.append((m.s1_encoder, m.s1_up, t1))
                days.append(torch.zeros(n, t1, dtype=torch.int64))
            with torch.no_grad():
                tokens = []
                for x, (enc, up, steps) in zip(frames, mods):
                    f = up(enc(x.contiguous())[-1])
                    tokens.append(f.view(n, steps, *f.shape[1:]))
                fused = m.fusion.forward_tokens(torch.cat(tokens, dim=1), torch.cat(days, dim=1))
            out.append(fused.mean(dim=(2, 3)).numpy())
        return np.concatenate(out)
