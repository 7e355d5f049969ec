"""The network trained by pre-training: models.reference SkySense (encoders, UPHeads, fusion,
GeoContext) plus the pre-training heads. `levels()` turns one SkySense forward into the four
dense feature maps the losses work on, all on the fusion grid:
  hr    last Swin stage (stride 32)
  s2/s1 UPHead output averaged over the view's frames
  fused fusion cls token per location
"""
import torch.nn as nn

from models.reference.configs import get_config
from models.reference.skysense import SkySense

from .heads import PretrainHeads


class PretrainModel(nn.Module):
    def __init__(self, config='tiny', embed=128, hidden=256, object_prototypes=16):
        super().__init__()
        self.cfg = get_config(config) if isinstance(config, str) else config
        self.backbone = SkySense(self.cfg)
        up = self.cfg['s2_up']['out_dim']
        hr = self.cfg['hr']['embed_dims'] * 2 ** (len(self.cfg['hr']['depths']) - 1)
        self.heads = PretrainHeads({'hr': hr, 's2': up, 's1': up, 'fused': self.cfg['fusion']['embed_dims']},
                                   embed, hidden, object_prototypes)
        # geo prototypes follow their own EMA rule (losses.geo_prototypes), not the optimiser
        self.backbone.geo_context.prototypes.requires_grad_(False)

    def forward(self, hr=None, s2=None, s2_doy=None, s1=None):
        out = self.backbone(hr=hr, s2=s2, s2_doy=s2_doy, s1=s1)
        feats = {}
        if 'hr' in out:
            feats['hr'] = out['hr'][-1]
        for m in ('s2', 's1'):
            if m in out:
                feats[m] = out[m].mean(dim=1)
        feats['fused'] = out['fused']
        return feats, self.heads(feats)
