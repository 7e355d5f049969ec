"""Sentinel-2 / Sentinel-1 encoder: ViT as in mmseg 0.30 VisionTransformer (SkySense uses ViT-L).

API
    VisionTransformer(in_channels=10, img_size=64, patch_size=4, embed_dims=1024, depth=24, num_heads=16,
                      mlp_ratio=4, out_indices=(23,), with_cls_token=True, norm_eps=1e-6,
                      drop_path_rate=0.0, device=None)
    forward(x: (B, in_channels, H, W)) -> list of (B, embed_dims, ceil(H/4), ceil(W/4)), one per out index
    always_resize_pos_embed: bool attribute; True makes the bicubic pos-embed resize part of the graph
        even at the native grid (bicubic at scale 1 is the identity), so a traced ONNX graph accepts
        any input size. Left False for plain PyTorch use.
    pos_embed_for(h, w) -> (1, 1+h*w, C) the resized table (precomputable for a fixed size).

State dict (the official S2/S1 files, no prefix):
    patch_embed.projection.{weight,bias}, cls_token (1,1,C), pos_embed (1, (img_size/patch)^2 + 1, C),
    layers.{i}.{ln1,attn.attn.in_proj_weight,attn.attn.in_proj_bias,attn.attn.out_proj,ln2,ffn.layers.0.0,ffn.layers.1}.*
    No final norm (final_norm=False), no patch norm.

Details kept from mmseg: patch conv k=s=patch with 'corner' padding (bottom/right zeros) for
sizes not divisible by the patch; cls token concatenated before the pos embed; pos embed resized
bicubically (align_corners=False) from the img_size grid to the token grid; with_cls_token=False
drops the cls token right after the pos embed (SkySense++ configs), True keeps it through the
layers and strips it from the outputs (official v1 default).
LayerNorm eps: 1e-6 as in the SkySense++ configs that load these weights (the official class
default is 1e-5; which one pre-training used is not published).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from models.reference.padding import pad_to_multiple
from models.reference.transformer_layer import EncoderLayer, init_transformer_weights, trunc_normal_


class ConvPatchEmbed(nn.Module):
    def __init__(self, in_channels, embed_dims, patch_size, device=None):
        super().__init__()
        self.patch_size = patch_size
        self.projection = nn.Conv2d(in_channels, embed_dims, patch_size, stride=patch_size, device=device)

    def forward(self, x):
        x = self.projection(pad_to_multiple(x, self.patch_size))
        return x.flatten(2).transpose(1, 2), (x.shape[2], x.shape[3])


class VisionTransformer(nn.Module):
    def __init__(self, in_channels=10, img_size=64, patch_size=4, embed_dims=1024, depth=24, num_heads=16,
                 mlp_ratio=4, out_indices=(23,), with_cls_token=True, norm_eps=1e-6, drop_path_rate=0.0,
                 device=None):
        super().__init__()
        self.embed_dims = embed_dims
        self.grid = (img_size // patch_size, img_size // patch_size)
        self.out_indices = tuple(i if i >= 0 else depth + i for i in out_indices)
        self.with_cls_token = with_cls_token
        self.always_resize_pos_embed = False
        self.patch_embed = ConvPatchEmbed(in_channels, embed_dims, patch_size, device=device)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dims, device=device))
        self.pos_embed = nn.Parameter(torch.zeros(1, self.grid[0] * self.grid[1] + 1, embed_dims, device=device))
        dpr = [drop_path_rate * i / max(depth - 1, 1) for i in range(depth)]
        self.layers = nn.ModuleList([
            EncoderLayer(embed_dims, num_heads, mlp_ratio, True, norm_eps, dpr[i], device=device) for i in range(depth)
        ])
        init_transformer_weights(self)
        trunc_normal_(self.pos_embed)
        trunc_normal_(self.cls_token)

    def pos_embed_for(self, h, w):
        gh, gw = self.grid
        cls_pos = self.pos_embed[:, :1]
        grid = self.pos_embed[:, 1:].reshape(1, gh, gw, self.embed_dims).permute(0, 3, 1, 2)
        grid = F.interpolate(grid, size=(h, w), mode='bicubic', align_corners=False)
        return torch.cat((cls_pos, grid.flatten(2).transpose(1, 2)), dim=1)

    def forward(self, x):
        b = x.shape[0]
        x, (h, w) = self.patch_embed(x)
        x = torch.cat((self.cls_token.expand(b, -1, -1), x), dim=1)
        if self.always_resize_pos_embed or (int(h), int(w)) != self.grid:
            x = x + self.pos_embed_for(h, w)
        else:
            x = x + self.pos_embed
        if not self.with_cls_token:
            x = x[:, 1:]
        outs = []
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i in self.out_indices:
                tokens = x[:, 1:] if self.with_cls_token else x
                outs.append(tokens.reshape(b, h, w, self.embed_dims).permute(0, 3, 1, 2).contiguous())
        return outs
