"""Multi-modal temporal fusion transformer (official TransformerEncoder used as SkySense's fusion neck).

API
    FusionTransformer(input_dims=2816, embed_dims=1024, depth=24, num_heads=16, mlp_ratio=4,
                      use_ctpe=True, calendar_days=365, norm_eps=1e-6, drop_path_rate=0.0, device=None)
    forward(hr=None, s2=None, s2_doy=None, s1=None) -> (B, embed_dims, h, w)
        hr: (B, input_dims, h, w)           one HR feature map (stride-32 grid)
        s2: (B, T_s2, input_dims, h, w)      UPHead outputs of T_s2 S2 frames
        s2_doy: (B, T_s2) int, day of year 1..366 of each S2 frame (required when use_ctpe)
        s1: (B, T_s1, input_dims, h, w)
        Any non-empty subset of modalities and any T. Per location the sequence is
        [cls] + HR + T_s2 S2 + T_s1 S1; the output is the cls token after the last layer.
    forward_tokens(tokens: (B, L, input_dims, h, w), doy: (B, L) int) -> (B, embed_dims, h, w)
        The exported form: frames already stacked; doy 0 means "no calendar embedding" (HR, S1),
        1..366 selects ctpe row clamp(doy, 1, 365) - 1 (so day 366 of a leap year reuses day 365).
        The layers have no positional embedding, so the cls output does not depend on the order of
        the frames; only the calendar embedding tells S2 frames apart from the others.

State dict: porj_linear.* (the official typo), cls_token (1,1,C), layers.{i}.* (same layout as the
ViT layers), ctpe (1, calendar_days, input_dims) when use_ctpe. No pos_embed, no final norm.
ctpe is stored in the official S2 file (skysense_model_backbone_s2.pth) or at top level of the full
checkpoint; it is added to S2 frames BEFORE porj_linear.
"""
import torch
import torch.nn as nn

from models.reference.transformer_layer import EncoderLayer, init_transformer_weights, trunc_normal_


class FusionTransformer(nn.Module):
    def __init__(self, input_dims=2816, embed_dims=1024, depth=24, num_heads=16, mlp_ratio=4, use_ctpe=True,
                 calendar_days=365, norm_eps=1e-6, drop_path_rate=0.0, device=None):
        super().__init__()
        self.input_dims = input_dims
        self.embed_dims = embed_dims
        self.calendar_days = calendar_days
        self.porj_linear = nn.Linear(input_dims, embed_dims, device=device)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dims, device=device))
        dpr = [drop_path_rate * i / max(depth - 1, 1) for i in range(depth)]
        self.layers = nn.ModuleList([
            EncoderLayer(embed_dims, num_heads, mlp_ratio, True, norm_eps, dpr[i], device=device) for i in range(depth)
        ])
        self.ctpe = nn.Parameter(torch.zeros(1, calendar_days, input_dims, device=device)) if use_ctpe else None
        init_transformer_weights(self)
        trunc_normal_(self.cls_token)
        if self.ctpe is not None:
            trunc_normal_(self.ctpe)

    def forward(self, hr=None, s2=None, s2_doy=None, s1=None):
        if hr is None and s2 is None and s1 is None:
            raise ValueError('fusion needs at least one of hr, s2, s1')
        frames, days = [], []
        b = (hr if hr is not None else s2 if s2 is not None else s1).shape[0]
        if hr is not None:
            frames.append(hr.unsqueeze(1))
            days.append(torch.zeros(b, 1, dtype=torch.long, device=hr.device))
        if s2 is not None:
            if s2_doy is None:
                if self.ctpe is not None:
                    raise ValueError('s2_doy (day of year per S2 frame) is required: the model has a calendar embedding')
                s2_doy = torch.zeros(s2.shape[:2], dtype=torch.long, device=s2.device)
            if tuple(s2_doy.shape) != tuple(s2.shape[:2]):
                raise ValueError(f's2_doy has shape {tuple(s2_doy.shape)}, expected {tuple(s2.shape[:2])}')
            frames.append(s2)
            days.append(s2_doy.long().clamp(min=1))
        if s1 is not None:
            frames.append(s1)
            days.append(torch.zeros(s1.shape[:2], dtype=torch.long, device=s1.device))
        shapes = {tuple(f.shape[-3:]) for f in frames}
        if len(shapes) != 1 or next(iter(shapes))[0] != self.input_dims:
            raise ValueError(f'fusion inputs must share (C={self.input_dims}, h, w); got {sorted(shapes)}')
        return self.forward_tokens(torch.cat(frames, dim=1), torch.cat(days, dim=1))

    def forward_tokens(self, tokens, doy):
        b, seq, c, h, w = tokens.shape
        x = tokens.permute(0, 3, 4, 1, 2).reshape(b, h * w, seq, c)
        if self.ctpe is not None:
            # Row 0 of the padded table is zeros: frames with doy 0 get no calendar embedding.
            table = torch.cat((torch.zeros_like(self.ctpe[0, :1]), self.ctpe[0]), dim=0)
            x = x + table[doy.long().clamp(0, self.calendar_days)].unsqueeze(1)
        x = self.porj_linear(x.reshape(b * h * w, seq, c))
        x = torch.cat((self.cls_token.expand(x.shape[0], -1, -1), x), dim=1)
        for layer in self.layers:
            x = layer(x)
        return x[:, 0].reshape(b, h, w, self.embed_dims).permute(0, 3, 1, 2).contiguous()
