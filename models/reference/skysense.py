"""The whole SkySense model: three spatial encoders, two UPHeads, the fusion transformer and the
Geo-Context module, wired as in the SkySense++ pipeline (the released code path).

API
    MODULE_NAMES = ('hr_encoder', 's2_encoder', 's1_encoder', 's2_up', 's1_up', 'fusion', 'geo_context')
    build_module(cfg, name, device=None, init=True) -> one module alone (nn.Module); init=False skips
        the random init (uninitialised weights, for loading a checkpoint right after)
    SkySense(cfg, modules=MODULE_NAMES, device=None)   attributes named as MODULE_NAMES
    forward(hr=None, s2=None, s2_doy=None, s1=None, lat=None, lon=None) -> dict with
        'hr': list of 4 NCHW maps (strides 4..32)           when hr given
        's2', 's1': (B, T, C_fused_in, h, w) UPHead outputs  when given
        'fused': (B, C_fusion, h, w)                         cls token per HR stride-32 location
        'geo': (B, 2*C_fusion, h, w)                         when lat/lon given and geo_context built
      hr: (B, 3, H, W); s2: (B, T, 10, H2, W2); s2_doy: (B, T) day of year; s1: (B, T, 2, H1, W1).
      S2/S1 frames are folded into the batch for the ViT; only the LAST ViT tap feeds the UPHead.
      Like the official code, the S2/S1 grid after the UPHead must equal the HR stride-32 grid
      (one S2 pixel per 32 HR pixels, HR GSD ~0.3 m) and channel counts must match.
"""
import torch
import torch.nn as nn

from models.reference.fusion import FusionTransformer
from models.reference.geo_context import GeoContext
from models.reference.swin_v2 import SwinTransformerV2
from models.reference.up_head import UPHead
from models.reference.vit import VisionTransformer

MODULE_NAMES = ('hr_encoder', 's2_encoder', 's1_encoder', 's2_up', 's1_up', 'fusion', 'geo_context')
_BUILDERS = {
    'hr_encoder': (SwinTransformerV2, 'hr'),
    's2_encoder': (VisionTransformer, 's2'),
    's1_encoder': (VisionTransformer, 's1'),
    's2_up': (UPHead, 's2_up'),
    's1_up': (UPHead, 's1_up'),
    'fusion': (FusionTransformer, 'fusion'),
    'geo_context': (GeoContext, 'geo'),
}


def build_module(cfg, name, device=None, init=True):
    """init=False allocates the weights without initialising them (fast; for loading a checkpoint next)."""
    if name not in _BUILDERS:
        raise ValueError(f'unknown module {name!r}; known: {", ".join(MODULE_NAMES)}')
    cls, key = _BUILDERS[name]
    if init:
        return cls(**cfg[key], device=device)
    module = cls(**cfg[key], device='meta').to_empty(device=device or 'cpu')
    for m in module.modules():
        if hasattr(m, 'rebuild_buffers'):
            m.rebuild_buffers(device)
    return module


class SkySense(nn.Module):
    def __init__(self, cfg, modules=MODULE_NAMES, device=None):
        super().__init__()
        self.cfg = cfg
        for name in MODULE_NAMES:
            setattr(self, name, build_module(cfg, name, device) if name in modules else None)

    def _frames(self, encoder, up, x):
        b, t = x.shape[:2]
        feat = encoder(x.flatten(0, 1))[-1]
        feat = up(feat)
        return feat.view(b, t, *feat.shape[1:])

    def forward(self, hr=None, s2=None, s2_doy=None, s1=None, lat=None, lon=None):
        out = {}
        grids = []
        hr_last = None
        if hr is not None:
            out['hr'] = self.hr_encoder(hr)
            hr_last = out['hr'][-1]
            grids.append(('hr', tuple(hr_last.shape[1:])))
        if s2 is not None:
            out['s2'] = self._frames(self.s2_encoder, self.s2_up, s2)
            grids.append(('s2', tuple(out['s2'].shape[2:])))
        if s1 is not None:
            out['s1'] = self._frames(self.s1_encoder, self.s1_up, s1)
            grids.append(('s1', tuple(out['s1'].shape[2:])))
        if not grids:
            raise ValueError('SkySense needs at least one of hr, s2, s1')
        if len({g for _, g in grids}) != 1:
            raise ValueError('modalities do not meet on one grid (C, h, w): '
                             + ', '.join(f'{n} {g}' for n, g in grids)
                             + '; S2/S1 tiles must cover the HR tile at 1 S2 pixel per 32 HR pixels')
        if self.fusion is not None:
            out['fused'] = self.fusion(hr=hr_last, s2=out.get('s2'), s2_doy=s2_doy, s1=out.get('s1'))
            if self.geo_context is not None and lat is not None and lon is not None:
                out['geo'] = self.geo_context(out['fused'], lat, lon)
        return out
