"""Transformer pieces laid out like mmcv's, so their state_dict names match the official
checkpoints of the SkySense ViTs and the fusion transformer:

    FFN                 layers.0.0 (Linear C->hidden), GELU, layers.1 (Linear hidden->C)
    MultiheadSelfAttention   in_proj_weight (3C, C), in_proj_bias (3C), out_proj (Linear C->C)
                        (same parameters and maths as torch.nn.MultiheadAttention, written out so
                        the ONNX export never takes PyTorch's fused "fast path")
    EncoderLayer        pre-norm: x + attn(ln1(x)); x + ffn(ln2(x)); keys ln1, attn.attn.*, ln2, ffn.*
    DropPath            stochastic depth (identity at inference)
    init_transformer_weights(module)   mmseg-style random init (skips meta tensors)

Inputs are batch-first (B, L, C).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class DropPath(nn.Module):
    def __init__(self, p=0.0):
        super().__init__()
        self.p = p

    def forward(self, x):
        if self.p == 0.0 or not self.training:
            return x
        keep = 1.0 - self.p
        mask = x.new_empty((x.shape[0],) + (1,) * (x.dim() - 1)).bernoulli_(keep)
        return x * mask / keep


class FFN(nn.Module):
    """mmcv FFN with num_fcs=2; the residual is added by the caller."""

    def __init__(self, dims, hidden, device=None):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Sequential(nn.Linear(dims, hidden, device=device), nn.GELU(), nn.Dropout(0.0)),
            nn.Linear(hidden, dims, device=device),
            nn.Dropout(0.0),
        )

    def forward(self, x):
        return self.layers(x)


class MultiheadSelfAttention(nn.Module):
    def __init__(self, dims, num_heads, bias=True, device=None):
        super().__init__()
        self.num_heads = num_heads
        self.in_proj_weight = nn.Parameter(torch.empty(3 * dims, dims, device=device))
        self.in_proj_bias = nn.Parameter(torch.zeros(3 * dims, device=device)) if bias else None
        self.out_proj = nn.Linear(dims, dims, bias=bias, device=device)

    def forward(self, x):
        b, n, c = x.shape
        hd = c // self.num_heads
        qkv = F.linear(x, self.in_proj_weight, self.in_proj_bias)
        qkv = qkv.reshape(b, n, 3, self.num_heads, hd).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        # nn.MultiheadAttention scales q before the product; keep that order for parity.
        attn = (q / math.sqrt(hd)) @ k.transpose(-2, -1)
        attn = attn.softmax(dim=-1)
        out = (attn @ v).transpose(1, 2).reshape(b, n, c)
        return self.out_proj(out)


class _AttentionWrapper(nn.Module):
    """mmcv MultiheadAttention wraps nn.MultiheadAttention as `.attn`, hence keys attn.attn.*."""

    def __init__(self, dims, num_heads, bias=True, device=None):
        super().__init__()
        self.attn = MultiheadSelfAttention(dims, num_heads, bias, device=device)

    def forward(self, x):
        return self.attn(x)


class EncoderLayer(nn.Module):
    def __init__(self, dims, num_heads, mlp_ratio=4, qkv_bias=True, eps=1e-6, drop_path=0.0, device=None):
        super().__init__()
        self.ln1 = nn.LayerNorm(dims, eps=eps, device=device)
        self.attn = _AttentionWrapper(dims, num_heads, qkv_bias, device=device)
        self.ln2 = nn.LayerNorm(dims, eps=eps, device=device)
        self.ffn = FFN(dims, int(dims * mlp_ratio), device=device)
        self.drop_path = DropPath(drop_path)

    def forward(self, x):
        x = x + self.drop_path(self.attn(self.ln1(x)))
        return x + self.drop_path(self.ffn(self.ln2(x)))


def trunc_normal_(t, std=0.02):
    if t.is_meta:
        return t
    return nn.init.trunc_normal_(t, std=std, a=-2 * std, b=2 * std)


def init_transformer_weights(module):
    """Random init used by mmseg's ViT: trunc-normal linears, zero biases, unit norms."""
    for name, m in module.named_modules():
        if isinstance(m, MultiheadSelfAttention):
            trunc_normal_(m.in_proj_weight)
        if isinstance(m, nn.Linear):
            trunc_normal_(m.weight)
            if m.bias is not None and not m.bias.is_meta:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Conv2d) and not m.weight.is_meta:
            nn.init.kaiming_normal_(m.weight, mode='fan_in', nonlinearity='relu')
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.LayerNorm) and not m.weight.is_meta:
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
