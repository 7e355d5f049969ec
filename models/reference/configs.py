"""Named SkySense configurations.

API
    get_config(name) -> dict (a fresh deep copy; 'official' or 'tiny')
    CONFIG_NAMES

A config is a plain JSON-serialisable dict with one entry per module, holding that module's
constructor arguments:
    hr (SwinTransformerV2), s2 / s1 (VisionTransformer), s2_up / s1_up (UPHead),
    fusion (FusionTransformer), geo (GeoContext)
'official' reproduces the released SkySense v1 shapes (SKYSENSE.md §1); 'tiny' is the same
architecture, small enough to export each module in seconds on a laptop CPU. tiny keeps stage 2
at 6 blocks so its norm3 (every 6th block) exists exactly as in the official model.
"""
import copy

_OFFICIAL = {
    'hr': dict(embed_dims=352, depths=[2, 2, 18, 2], num_heads=[8, 16, 32, 64], window_size=8, in_channels=3,
               patch_size=4, mlp_ratio=4, extra_norm_every_n_blocks=6, out_indices=[0, 1, 2, 3]),
    's2': dict(in_channels=10, img_size=64, patch_size=4, embed_dims=1024, depth=24, num_heads=16, mlp_ratio=4,
               out_indices=[5, 11, 17, 23], with_cls_token=True, norm_eps=1e-6),
    's1': dict(in_channels=2, img_size=64, patch_size=4, embed_dims=1024, depth=24, num_heads=16, mlp_ratio=4,
               out_indices=[5, 11, 17, 23], with_cls_token=True, norm_eps=1e-6),
    's2_up': dict(in_dim=1024, out_dim=2816, up_scale=4),
    's1_up': dict(in_dim=1024, out_dim=2816, up_scale=4),
    'fusion': dict(input_dims=2816, embed_dims=1024, depth=24, num_heads=16, mlp_ratio=4, use_ctpe=True,
                   calendar_days=365, norm_eps=1e-6),
    'geo': dict(dims=1024, lat_cells=64, lon_cells=64, prototypes=100, temperature=0.1),
}

_TINY = {
    'hr': dict(embed_dims=32, depths=[2, 2, 6, 2], num_heads=[2, 4, 8, 16], window_size=8, in_channels=3,
               patch_size=4, mlp_ratio=4, extra_norm_every_n_blocks=6, out_indices=[0, 1, 2, 3]),
    's2': dict(in_channels=10, img_size=64, patch_size=4, embed_dims=128, depth=4, num_heads=4, mlp_ratio=4,
               out_indices=[0, 1, 2, 3], with_cls_token=True, norm_eps=1e-6),
    's1': dict(in_channels=2, img_size=64, patch_size=4, embed_dims=128, depth=4, num_heads=4, mlp_ratio=4,
               out_indices=[0, 1, 2, 3], with_cls_token=True, norm_eps=1e-6),
    's2_up': dict(in_dim=128, out_dim=256, up_scale=4),
    's1_up': dict(in_dim=128, out_dim=256, up_scale=4),
    'fusion': dict(input_dims=256, embed_dims=128, depth=2, num_heads=4, mlp_ratio=4, use_ctpe=True,
                   calendar_days=365, norm_eps=1e-6),
    'geo': dict(dims=128, lat_cells=8, lon_cells=8, prototypes=8, temperature=0.1),
}

_CONFIGS = {'official': _OFFICIAL, 'tiny': _TINY}
CONFIG_NAMES = tuple(_CONFIGS)


def get_config(name):
    if name not in _CONFIGS:
        raise ValueError(f'unknown config {name!r}; known: {", ".join(CONFIG_NAMES)}')
    return copy.deepcopy(_CONFIGS[name])
