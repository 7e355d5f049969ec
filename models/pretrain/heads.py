"""Pre-training heads on top of the SkySense modules: a projection per feature level into one
shared embedding space (so that HR, S2, S1 and fused features can be contrasted with each
other), and the object prototypes that Sinkhorn-Knopp clusters pixels into. None of this is
exported: downstream tasks use the encoder and fusion features."""
import torch
import torch.nn as nn


class Projection(nn.Module):
    """Per-pixel 2-layer MLP (1x1 convolutions) with a BatchNorm-free design: batches on CPU are
    small and mix modalities, where batch statistics would be noisy."""

    def __init__(self, in_dim, hidden, out_dim):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(in_dim, hidden, 1), nn.GELU(), nn.Conv2d(hidden, out_dim, 1))

    def forward(self, x):
        return self.net(x)


class PretrainHeads(nn.Module):
    def __init__(self, dims, embed=128, hidden=256, object_prototypes=16):
        """dims: {level: channels} e.g. {'hr': 256, 's2': 256, 's1': 256, 'fused': 128}."""
        super().__init__()
        self.proj = nn.ModuleDict({k: Projection(c, hidden, embed) for k, c in dims.items()})
        self.object_prototypes = nn.Parameter(torch.randn(object_prototypes, embed) * 0.1)

    def forward(self, feats):
        return {k: self.proj[k](v) for k, v in feats.items()}
