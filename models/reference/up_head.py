"""UPHead: brings S2/S1 ViT tokens (stride 4 in S2/S1 pixels) to the HR stride-32 grid.

API
    UPHead(in_dim=1024, out_dim=2816, up_scale=4, device=None)
    forward(x: (B, in_dim, h, w)) -> (B, out_dim, h*up_scale, w*up_scale)

State dict (official head_s2 / head_s1): decoder.0.{weight (out_dim*up^2, in_dim, 1, 1), bias};
decoder.1 is PixelShuffle (no parameters). Init: kaiming fan_in, bias 0.
"""
import torch.nn as nn


class UPHead(nn.Module):
    def __init__(self, in_dim=1024, out_dim=2816, up_scale=4, device=None):
        super().__init__()
        self.out_dim = out_dim
        self.decoder = nn.Sequential(
            nn.Conv2d(in_dim, out_dim * up_scale ** 2, kernel_size=1, device=device),
            nn.PixelShuffle(up_scale),
        )
        conv = self.decoder[0]
        if not conv.weight.is_meta:
            nn.init.kaiming_normal_(conv.weight, mode='fan_in', nonlinearity='relu')
            nn.init.zeros_(conv.bias)

    def forward(self, x):
        return self.decoder(x)
