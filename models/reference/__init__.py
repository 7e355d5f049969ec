"""SkySense (CVPR 2024) re-implemented in plain PyTorch (no mmcv/mmcls/timm).

Each module is usable alone and its state_dict names follow the official checkpoints
(the official release's layout), so an official checkpoint loads with strict=True once its
prefix is stripped (models/reference/official_checkpoint.py does that).

    from models.reference.configs import get_config
    from models.reference.skysense import SkySense
    model = SkySense(get_config('tiny'))

Modules: swin_v2.SwinTransformerV2 (HR), vit.VisionTransformer (S2, S1), up_head.UPHead,
fusion.FusionTransformer, geo_context.GeoContext, skysense.SkySense (all of them wired).
Every constructor takes device=None; device='meta' builds shapes without allocating weights.
"""
