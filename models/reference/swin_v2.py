"""HR optical encoder: Swin Transformer V2 as implemented by mmcls 0.25 (SkySense uses arch 'huge').

API
    SwinTransformerV2(embed_dims=352, depths=(2,2,18,2), num_heads=(8,16,32,64), window_size=8,
                      in_channels=3, patch_size=4, mlp_ratio=4, extra_norm_every_n_blocks=6,
                      out_indices=(0,1,2,3), drop_path_rate=0.0, device=None)
    forward(x: (B, in_channels, H, W)) -> list of NCHW maps, one per out index,
        stage s at stride 4*2**s with embed_dims*2**s channels.
    freeze_position_bias() -> bakes 16*sigmoid(cpb_mlp(table))[index] of every block into a
        constant (for ONNX export); unfreeze_position_bias() undoes it.

State dict (matches the official HR checkpoint after stripping 'backbone.'/'backbone_gep.'):
    patch_embed.projection.*, patch_embed.norm.*,
    stages.{s}.downsample.{reduction.weight,norm.*} for s >= 1,
    stages.{s}.blocks.{b}.attn.w_msa.{logit_scale,q_bias,v_bias,qkv.weight,proj.*,cpb_mlp.0.*,cpb_mlp.2.weight},
    stages.{s}.blocks.{b}.{norm1,norm2,ffn.layers.0.0,ffn.layers.1}.*, norm3.* on every
    extra_norm_every_n_blocks-th block of a stage (1-based), norm{i}.* for i in out_indices.
    relative_coords_table / relative_position_index are rebuilt here and NOT persistent.

mmcls behaviour kept on purpose:
    - post-norm blocks: x + LN(attn(x)), then x + LN(ffn(x)), then LN (norm3) where configured;
    - PatchMerging at the start of stages 1..3 gathers 2x2 neighbours in nn.Unfold order
      (channel-major: c*4 + dy*2 + dx), then Linear(4C->2C, no bias) and LN(2C);
    - maps not divisible by the window are zero-padded bottom/right before attention (the
      padded tokens take part in attention unmasked, exactly as in mmcls) and cropped after;
    - odd blocks shift by window//2, but not when min(H, W) == window; min(H, W) < window is an
      error (mmcls asserts; pad_small_map=False).
The padding and the shift mask are computed from tensor shapes, so a traced ONNX graph stays
valid for other sizes as long as every stage keeps min(H, W) > window (the shift decision is
fixed at trace time): for window 8 that is input edges >= 288 px (stage-3 map >= 9).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from models.reference.padding import pad_amount, pad_to_multiple
from models.reference.transformer_layer import DropPath, FFN, trunc_normal_


def relative_coords_table(window):
    """(1, 2W-1, 2W-1, 2) log-spaced offsets (SwinV2, pretrained_window_size 0)."""
    r = torch.arange(-(window - 1), window, dtype=torch.float32)
    table = torch.stack(torch.meshgrid(r, r, indexing='ij'), dim=-1).unsqueeze(0)
    table = table / (window - 1) * 8
    return torch.sign(table) * torch.log2(table.abs() + 1.0) / math.log2(8)


def relative_position_index(window):
    """(W*W, W*W) index into the flattened (2W-1)^2 table."""
    c = torch.arange(window)
    coords = torch.stack(torch.meshgrid(c, c, indexing='ij')).flatten(1)
    rel = (coords[:, :, None] - coords[:, None, :]).permute(1, 2, 0)
    rel[:, :, 0] += window - 1
    rel[:, :, 1] += window - 1
    rel[:, :, 0] *= 2 * window - 1
    return rel.sum(-1)


class WindowMSAV2(nn.Module):
    """Scaled cosine attention inside one window, with a continuous position bias MLP."""

    def __init__(self, embed_dims, num_heads, window_size, cpb_hidden=512, device=None):
        super().__init__()
        self.num_heads = num_heads
        self.window_size = window_size
        self.logit_scale = nn.Parameter(torch.full((num_heads, 1, 1), math.log(10.0), device=device))
        self.cpb_mlp = nn.Sequential(
            nn.Linear(2, cpb_hidden, bias=True, device=device),
            nn.ReLU(inplace=True),
            nn.Linear(cpb_hidden, num_heads, bias=False, device=device),
        )
        self.qkv = nn.Linear(embed_dims, embed_dims * 3, bias=False, device=device)
        self.q_bias = nn.Parameter(torch.zeros(embed_dims, device=device))
        self.v_bias = nn.Parameter(torch.zeros(embed_dims, device=device))
        self.proj = nn.Linear(embed_dims, embed_dims, device=device)
        self.register_buffer('relative_coords_table', None, persistent=False)
        self.register_buffer('relative_position_index', None, persistent=False)
        self.register_buffer('frozen_position_bias', None, persistent=False)
        self.rebuild_buffers('meta' if str(device) == 'meta' else None)

    def rebuild_buffers(self, device=None):
        """(Re)compute the position tables; needed after nn.Module.to_empty(), which leaves them garbage."""
        self.relative_coords_table = relative_coords_table(self.window_size).to(device)
        self.relative_position_index = relative_position_index(self.window_size).to(device)
        self.frozen_position_bias = None

    def position_bias(self):
        """(heads, N, N) bias = 16 * sigmoid(cpb_mlp(table))[index]."""
        if self.frozen_position_bias is not None:
            return self.frozen_position_bias
        n = self.window_size ** 2
        table = self.cpb_mlp(self.relative_coords_table).view(-1, self.num_heads)
        bias = table[self.relative_position_index.view(-1)].view(n, n, -1).permute(2, 0, 1)
        return 16 * torch.sigmoid(bias)

    def forward(self, x, mask=None):
        b, n, c = x.shape
        qkv_bias = torch.cat((self.q_bias, torch.zeros_like(self.v_bias), self.v_bias))
        qkv = F.linear(x, self.qkv.weight, qkv_bias)
        qkv = qkv.reshape(b, n, 3, self.num_heads, c // self.num_heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = F.normalize(q, dim=-1) @ F.normalize(k, dim=-1).transpose(-2, -1)
        attn = attn * torch.clamp(self.logit_scale, max=math.log(100.0)).exp()
        attn = attn + self.position_bias().unsqueeze(0)
        if mask is not None:
            nw = mask.shape[0]
            attn = attn.view(-1, nw, self.num_heads, n, n) + mask.unsqueeze(1).unsqueeze(0)
            attn = attn.view(-1, self.num_heads, n, n)
        attn = attn.softmax(dim=-1)
        out = (attn @ v).transpose(1, 2).reshape(b, n, c)
        return self.proj(out)


def shift_window_mask(hp, wp, window, shift, device=None):
    """(nW, N, N) mask: -100 between tokens that came from different regions after the roll.

    Region labels follow mmcls (three bands per axis: [0, H-W), [H-W, H-s), [H-s, H)); built from
    aranges so the mask follows the map size inside a traced graph."""
    rh = torch.arange(hp, device=device)
    rw = torch.arange(wp, device=device)
    lh = (rh >= hp - window).long() + (rh >= hp - shift).long()
    lw = (rw >= wp - window).long() + (rw >= wp - shift).long()
    label = lh[:, None] * 3 + lw[None, :]
    label = label.view(hp // window, window, wp // window, window).permute(0, 2, 1, 3).reshape(-1, window * window)
    differ = label.unsqueeze(1) != label.unsqueeze(2)
    return differ.float() * -100.0


class ShiftWindowMSA(nn.Module):
    def __init__(self, embed_dims, num_heads, window_size, shift_size, drop_path=0.0, device=None):
        super().__init__()
        self.window_size = window_size
        self.shift_size = shift_size
        self.w_msa = WindowMSAV2(embed_dims, num_heads, window_size, device=device)
        self.drop = DropPath(drop_path)

    def forward(self, x, hw_shape):
        b, _, c = x.shape
        h, w = hw_shape
        ws = self.window_size
        shift = self.shift_size
        if min(h, w) < ws:
            raise ValueError(f'Swin map {int(h)}x{int(w)} is smaller than the window {ws}; '
                             f'use a larger input (mmcls asserts here, pad_small_map=False)')
        if min(h, w) == ws:
            shift = 0
        x = x.view(b, h, w, c)
        x = F.pad(x, (0, 0, 0, pad_amount(w, ws), 0, pad_amount(h, ws)))
        hp, wp = x.shape[1], x.shape[2]
        if shift > 0:
            x = torch.roll(x, shifts=(-shift, -shift), dims=(1, 2))
            mask = shift_window_mask(hp, wp, ws, shift, x.device)
        else:
            mask = None
        win = x.view(b, hp // ws, ws, wp // ws, ws, c).permute(0, 1, 3, 2, 4, 5).reshape(-1, ws * ws, c)
        win = self.w_msa(win, mask)
        x = win.view(b, hp // ws, wp // ws, ws, ws, c).permute(0, 1, 3, 2, 4, 5).reshape(b, hp, wp, c)
        if shift > 0:
            x = torch.roll(x, shifts=(shift, shift), dims=(1, 2))
        x = x[:, :h, :w, :].reshape(b, h * w, c)
        return self.drop(x)


class SwinBlockV2(nn.Module):
    def __init__(self, embed_dims, num_heads, window_size, shift, extra_norm, mlp_ratio=4, drop_path=0.0, device=None):
        super().__init__()
        self.attn = ShiftWindowMSA(embed_dims, num_heads, window_size, window_size // 2 if shift else 0,
                                   drop_path, device=device)
        self.norm1 = nn.LayerNorm(embed_dims, device=device)
        self.ffn = FFN(embed_dims, int(embed_dims * mlp_ratio), device=device)
        self.ffn_drop_path = DropPath(drop_path)
        self.norm2 = nn.LayerNorm(embed_dims, device=device)
        self.norm3 = nn.LayerNorm(embed_dims, device=device) if extra_norm else None

    def forward(self, x, hw_shape):
        x = x + self.norm1(self.attn(x, hw_shape))
        x = x + self.ffn_drop_path(self.norm2(self.ffn(x)))
        if self.norm3 is not None:
            x = self.norm3(x)
        return x


class PatchMerging(nn.Module):
    """2x2 neighbour gather (nn.Unfold order) -> Linear(4C->2C, no bias) -> LN (post-norm)."""

    def __init__(self, in_channels, out_channels, device=None):
        super().__init__()
        self.reduction = nn.Linear(4 * in_channels, out_channels, bias=False, device=device)
        self.norm = nn.LayerNorm(out_channels, device=device)

    def forward(self, x, hw_shape):
        b, _, c = x.shape
        h, w = hw_shape
        x = x.view(b, h, w, c).permute(0, 3, 1, 2)
        x = pad_to_multiple(x, 2)
        hp, wp = x.shape[2] // 2, x.shape[3] // 2
        # Unfold lays out channel-major: index c*4 + dy*2 + dx.
        x = x.reshape(b, c, hp, 2, wp, 2).permute(0, 2, 4, 1, 3, 5).reshape(b, hp * wp, 4 * c)
        return self.norm(self.reduction(x)), (hp, wp)


class SwinStage(nn.Module):
    def __init__(self, embed_dims, depth, num_heads, window_size, downsample_from, extra_norm_every, mlp_ratio,
                 drop_paths, device=None):
        super().__init__()
        self.out_channels = embed_dims
        self.downsample = PatchMerging(downsample_from, embed_dims, device=device) if downsample_from else None
        self.blocks = nn.ModuleList([
            SwinBlockV2(embed_dims, num_heads, window_size, shift=(i % 2 == 1),
                        extra_norm=extra_norm_every > 0 and (i + 1) % extra_norm_every == 0,
                        mlp_ratio=mlp_ratio, drop_path=drop_paths[i], device=device)
            for i in range(depth)
        ])

    def forward(self, x, hw_shape):
        if self.downsample is not None:
            x, hw_shape = self.downsample(x, hw_shape)
        for block in self.blocks:
            x = block(x, hw_shape)
        return x, hw_shape


class PatchEmbed(nn.Module):
    def __init__(self, in_channels, embed_dims, patch_size, device=None):
        super().__init__()
        self.patch_size = patch_size
        self.projection = nn.Conv2d(in_channels, embed_dims, patch_size, stride=patch_size, device=device)
        self.norm = nn.LayerNorm(embed_dims, device=device)

    def forward(self, x):
        x = self.projection(pad_to_multiple(x, self.patch_size))
        hw = (x.shape[2], x.shape[3])
        return self.norm(x.flatten(2).transpose(1, 2)), hw


class SwinTransformerV2(nn.Module):
    def __init__(self, embed_dims=352, depths=(2, 2, 18, 2), num_heads=(8, 16, 32, 64), window_size=8,
                 in_channels=3, patch_size=4, mlp_ratio=4, extra_norm_every_n_blocks=6, out_indices=(0, 1, 2, 3),
                 drop_path_rate=0.0, device=None):
        super().__init__()
        self.out_indices = tuple(out_indices)
        self.window_size = window_size
        self.patch_embed = PatchEmbed(in_channels, embed_dims, patch_size, device=device)
        total = sum(depths)
        dpr = [drop_path_rate * i / max(total - 1, 1) for i in range(total)]
        self.stages = nn.ModuleList()
        self.num_features = []
        start = 0
        for s, depth in enumerate(depths):
            dims = embed_dims * 2 ** s
            self.stages.append(SwinStage(dims, depth, num_heads[s], window_size,
                                         downsample_from=dims // 2 if s > 0 else 0,
                                         extra_norm_every=extra_norm_every_n_blocks, mlp_ratio=mlp_ratio,
                                         drop_paths=dpr[start:start + depth], device=device))
            self.num_features.append(dims)
            start += depth
        for i in self.out_indices:
            self.add_module(f'norm{i}', nn.LayerNorm(self.num_features[i], device=device))
        self.init_weights()

    def init_weights(self):
        for m in self.modules():
            if isinstance(m, nn.Linear):
                trunc_normal_(m.weight)
                if m.bias is not None and not m.bias.is_meta:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.LayerNorm) and not m.weight.is_meta:
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)

    def freeze_position_bias(self):
        with torch.no_grad():
            for m in self.modules():
                if isinstance(m, WindowMSAV2):
                    m.frozen_position_bias = None
                    m.frozen_position_bias = m.position_bias().detach().clone()

    def unfreeze_position_bias(self):
        for m in self.modules():
            if isinstance(m, WindowMSAV2):
                m.frozen_position_bias = None

    def forward(self, x):
        x, hw = self.patch_embed(x)
        outs = []
        for i, stage in enumerate(self.stages):
            x, hw = stage(x, hw)
            if i in self.out_indices:
                out = getattr(self, f'norm{i}')(x)
                outs.append(out.view(-1, hw[0], hw[1], stage.out_channels).permute(0, 3, 1, 2).contiguous())
        return outs
