"""The official SkySense checkpoint layout, written out from the documentation (SKYSENSE.md §2,
mmcls/mmseg naming) independently of models/reference, plus writers that fill it with random
tensors. Tests compare this list with the reference modules and round-trip files written here.

API
    swin_keys(c), vit_keys(c), uphead_keys(c), fusion_keys(c) -> {key: shape}  (module-internal names,
        with the rebuilt Swin buffers; mask_token is added by the writers)
    full_checkpoint(cfg, gen) -> {'model': {...}}   backbone_gep./backbone_s2./backbone_s1./fusion./
        head_s2./head_s1. prefixes, top-level ctpe, and a head_gep.* pre-training key
    split_checkpoints(cfg, gen) -> {file_name: state dict} as released (skysense_model_*.pth)
"""
import torch


def _ln(k, p, c):
    k[f'{p}.weight'] = (c,)
    k[f'{p}.bias'] = (c,)


def swin_keys(c):
    k = {}
    e, ws = c['embed_dims'], c['window_size']
    k['patch_embed.projection.weight'] = (e, c['in_channels'], c['patch_size'], c['patch_size'])
    k['patch_embed.projection.bias'] = (e,)
    _ln(k, 'patch_embed.norm', e)
    for s, depth in enumerate(c['depths']):
        d, h = e * 2 ** s, c['num_heads'][s]
        if s > 0:
            k[f'stages.{s}.downsample.reduction.weight'] = (d, 2 * d)  # Linear(4 * d/2 -> d)
            _ln(k, f'stages.{s}.downsample.norm', d)
        for b in range(depth):
            p = f'stages.{s}.blocks.{b}'
            a = f'{p}.attn.w_msa'
            k[f'{a}.logit_scale'] = (h, 1, 1)
            k[f'{a}.q_bias'] = (d,)
            k[f'{a}.v_bias'] = (d,)
            k[f'{a}.qkv.weight'] = (3 * d, d)
            k[f'{a}.proj.weight'] = (d, d)
            k[f'{a}.proj.bias'] = (d,)
            k[f'{a}.cpb_mlp.0.weight'] = (512, 2)
            k[f'{a}.cpb_mlp.0.bias'] = (512,)
            k[f'{a}.cpb_mlp.2.weight'] = (h, 512)
            k[f'{a}.relative_coords_table'] = (1, 2 * ws - 1, 2 * ws - 1, 2)
            k[f'{a}.relative_position_index'] = (ws * ws, ws * ws)
            _ln(k, f'{p}.norm1', d)
            k[f'{p}.ffn.layers.0.0.weight'] = (4 * d, d)
            k[f'{p}.ffn.layers.0.0.bias'] = (4 * d,)
            k[f'{p}.ffn.layers.1.weight'] = (d, 4 * d)
            k[f'{p}.ffn.layers.1.bias'] = (d,)
            _ln(k, f'{p}.norm2', d)
            if (b + 1) % c['extra_norm_every_n_blocks'] == 0:
                _ln(k, f'{p}.norm3', d)
    for i in c['out_indices']:
        _ln(k, f'norm{i}', e * 2 ** i)
    return k


def _layers(k, depth, d):
    for i in range(depth):
        p = f'layers.{i}'
        _ln(k, f'{p}.ln1', d)
        k[f'{p}.attn.attn.in_proj_weight'] = (3 * d, d)
        k[f'{p}.attn.attn.in_proj_bias'] = (3 * d,)
        k[f'{p}.attn.attn.out_proj.weight'] = (d, d)
        k[f'{p}.attn.attn.out_proj.bias'] = (d,)
        _ln(k, f'{p}.ln2', d)
        k[f'{p}.ffn.layers.0.0.weight'] = (4 * d, d)
        k[f'{p}.ffn.layers.0.0.bias'] = (4 * d,)
        k[f'{p}.ffn.layers.1.weight'] = (d, 4 * d)
        k[f'{p}.ffn.layers.1.bias'] = (d,)


def vit_keys(c):
    d, ps = c['embed_dims'], c['patch_size']
    k = {'patch_embed.projection.weight': (d, c['in_channels'], ps, ps), 'patch_embed.projection.bias': (d,),
         'cls_token': (1, 1, d), 'pos_embed': (1, (c['img_size'] // ps) ** 2 + 1, d)}
    _layers(k, c['depth'], d)
    return k


def uphead_keys(c):
    return {'decoder.0.weight': (c['out_dim'] * c['up_scale'] ** 2, c['in_dim'], 1, 1),
            'decoder.0.bias': (c['out_dim'] * c['up_scale'] ** 2,)}


def fusion_keys(c):
    d = c['embed_dims']
    k = {'porj_linear.weight': (d, c['input_dims']), 'porj_linear.bias': (d,), 'cls_token': (1, 1, d)}
    _layers(k, c['depth'], d)
    return k


def ctpe_shape(cfg):
    return (1, cfg['fusion']['calendar_days'], cfg['fusion']['input_dims'])


def _fill(shapes, gen, prefix=''):
    out = {}
    for k, s in shapes.items():
        if k.endswith('relative_position_index'):
            out[prefix + k] = torch.randint(0, 100, s, generator=gen)
        else:
            out[prefix + k] = torch.randn(s, generator=gen) * 0.05
    return out


def full_checkpoint(cfg, gen):
    m = {}
    m.update(_fill(swin_keys(cfg['hr']), gen, 'backbone_gep.'))
    m['backbone_gep.mask_token'] = torch.zeros(1, 1, cfg['hr']['embed_dims'])
    m.update(_fill(vit_keys(cfg['s2']), gen, 'backbone_s2.'))
    m.update(_fill(vit_keys(cfg['s1']), gen, 'backbone_s1.'))
    m.update(_fill(fusion_keys(cfg['fusion']), gen, 'fusion.'))
    m.update(_fill(uphead_keys(cfg['s2_up']), gen, 'head_s2.'))
    m.update(_fill(uphead_keys(cfg['s1_up']), gen, 'head_s1.'))
    m['ctpe'] = torch.randn(ctpe_shape(cfg), generator=gen)
    m['head_gep.proj.weight'] = torch.randn(4, 4, generator=gen)  # a pre-training head with no module here
    return {'model': m}


def split_checkpoints(cfg, gen):
    hr = _fill(swin_keys(cfg['hr']), gen, 'backbone.')
    hr['backbone.mask_token'] = torch.zeros(1, 1, cfg['hr']['embed_dims'])
    s2 = _fill(vit_keys(cfg['s2']), gen)
    s2['ctpe'] = torch.randn(ctpe_shape(cfg), generator=gen)
    return {
        'skysense_model_backbone_hr.pth': hr,
        'skysense_model_backbone_s2.pth': s2,
        'skysense_model_backbone_s1.pth': _fill(vit_keys(cfg['s1']), gen),
        'skysense_model_head_s2.pth': _fill(uphead_keys(cfg['s2_up']), gen),
        'skysense_model_head_s1.pth': _fill(uphead_keys(cfg['s1_up']), gen),
        'skysense_model_fusion.pth': _fill(fusion_keys(cfg['fusion']), gen, 'backbone.'),
    }
