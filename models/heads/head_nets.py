"""The head networks: small, 1 x 1 convolutions only (plus resizing and pooling), so a head costs
next to nothing next to the encoder and cannot overfit a few thousand labelled cells as easily as a
spatial decoder would. Each one standardises its input taps with constants measured on the
training features (stored in the ONNX graph), so the weights see unit-scale features and the
engine feeds the raw taps.

API
    Standardise(mean (C,), std (C,)) -> module x -> (x - mean) / std on axis 1
    PixelHead(mean, std, hidden, out)          forward(feat) -> (B, out, h, w); hidden 0 = linear
    ChangeHead(mean, std, hidden)              forward(feat_a, feat_b) -> (B, 1, h, w) logits from
        [|a - b|, (a + b) / 2] of the standardised taps: symmetric in the two dates, so swapping
        before/after gives the same change map
    PyramidHead({tap: (mean, std)}, hidden, out, base)   forward(*taps in dict order) -> (B, out, h, w)
        on the grid of tap `base` (the finest): each tap -> 1 x 1 conv to `hidden`, bilinearly
        resized to the base grid (align_corners False = ONNX Resize half_pixel), summed, ReLU, 1 x 1 conv;
        hidden 0: each tap straight to `out` logits, resized and summed (a linear classifier on the
        stacked, upsampled taps, as the models/eval probe, since resizing is linear)
    PooledHead(mean, std, out)                 forward(feat) -> (B, out): mean over h, w, then a
        standardised linear layer (mean/std measured on pooled training vectors)
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Standardise(nn.Module):
    def __init__(self, mean, std, dims=4):
        super().__init__()
        shape = (1, -1) + (1,) * (dims - 2)
        self.register_buffer('mean', torch.as_tensor(mean, dtype=torch.float32).reshape(shape).clone())
        self.register_buffer('inv', (1.0 / torch.as_tensor(std, dtype=torch.float32)).reshape(shape).clone())

    def forward(self, x):
        return (x - self.mean) * self.inv


def _mlp(cin, hidden, out):
    if hidden <= 0:
        return nn.Conv2d(cin, out, 1)
    return nn.Sequential(nn.Conv2d(cin, hidden, 1), nn.ReLU(), nn.Conv2d(hidden, out, 1))


class PixelHead(nn.Module):
    def __init__(self, mean, std, hidden, out):
        super().__init__()
        self.norm = Standardise(mean, std)
        self.mlp = _mlp(len(mean), hidden, out)

    def forward(self, feat):
        return self.mlp(self.norm(feat))


class ChangeHead(nn.Module):
    def __init__(self, mean, std, hidden):
        super().__init__()
        self.norm = Standardise(mean, std)
        self.mlp = _mlp(2 * len(mean), hidden, 1)

    def forward(self, feat_a, feat_b):
        a, b = self.norm(feat_a), self.norm(feat_b)
        return self.mlp(torch.cat([torch.abs(a - b), 0.5 * (a + b)], dim=1))


class PyramidHead(nn.Module):
    def __init__(self, stats, hidden, out, base):
        super().__init__()
        self.taps = list(stats)
        self.base = self.taps.index(base)
        self.norms = nn.ModuleList(Standardise(m, s) for m, s in stats.values())
        width = hidden if hidden > 0 else out
        self.proj = nn.ModuleList(nn.Conv2d(len(m), width, 1) for m, _ in stats.values())
        self.out = nn.Conv2d(hidden, out, 1) if hidden > 0 else None

    def forward(self, *feats):
        size = feats[self.base].shape[-2:]
        acc = None
        for f, norm, proj in zip(feats, self.norms, self.proj):
            z = proj(norm(f))
            if z.shape[-2:] != size:
                z = F.interpolate(z, size=size, mode='bilinear', align_corners=False)
            acc = z if acc is None else acc + z
        return acc if self.out is None else self.out(F.relu(acc))


class PooledHead(nn.Module):
    def __init__(self, mean, std, out):
        super().__init__()
        self.norm = Standardise(mean, std, dims=2)
        self.linear = nn.Linear(len(mean), out)

    def forward(self, feat):
        return self.linear(self.norm(feat.mean(dim=(2, 3))))
