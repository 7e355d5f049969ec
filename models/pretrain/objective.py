"""All pre-training losses for one batch of two views (SKYSENSE.md section 4):

  MGCL     pixel + object + image contrast on every level present: hr, s2, s1 (single-modal)
           and fused (multi-modal); each granularity averaged over the levels
  CMA      cross-modal alignment between the co-located modalities of the batch
  GCP      geo-context prototypes on the fused features (samples with a known location)

The student sees one view, the EMA teacher the other; with symmetric=True both ways are done
and averaged (twice the compute, better use of each batch on a GPU).
"""
from dataclasses import dataclass, field
from itertools import combinations

import torch

from .augment.geometry import inverse_dihedral_batch
from .losses.cross_modal import cross_modal_alignment
from .losses.geo_prototypes import geo_prototype_loss
from .losses.mgcl import image_contrast, object_contrast, pixel_contrast


@dataclass
class LossConfig:
    temperature: float = 0.2          # pixel, image, cross-modal InfoNCE
    object_temperature: float = 0.1
    geo_temperature: float = 0.1
    sinkhorn_epsilon: float = 0.05
    sinkhorn_iterations: int = 3
    max_pixels: int = 512             # sampled locations per pixel-level InfoNCE
    geo_momentum: float = 0.99        # EMA of the geo prototypes
    weights: dict = field(default_factory=lambda: {'pixel': 1.0, 'object': 1.0, 'image': 1.0, 'cross_modal': 1.0,
                                                   'geo': 0.5})


def _inputs(view):
    return {k: view.get(k) for k in ('hr', 's2', 's2_doy', 's1')}


def _aligned(maps, codes):
    return {k: inverse_dihedral_batch(v, codes) for k, v in maps.items()}


def one_direction(student, teacher, view_s, view_t, meta, cfg, generator=None, update_geo=True):
    feats_s, proj_s = student(**_inputs(view_s))
    with torch.no_grad():
        feats_t, proj_t = teacher(**_inputs(view_t))
    proj_s, proj_t = _aligned(proj_s, view_s['dihedral']), _aligned(proj_t, view_t['dihedral'])
    fused_s = inverse_dihedral_batch(feats_s['fused'], view_s['dihedral'])
    fused_t = inverse_dihedral_batch(feats_t['fused'], view_t['dihedral'])

    terms = {}
    protos = student.heads.object_prototypes
    for level in proj_s:
        s, t = proj_s[level], proj_t[level]
        terms[f'pixel/{level}'] = pixel_contrast(s, t, cfg.temperature, cfg.max_pixels, generator)
        assign, obj, _ = object_contrast(s, t, protos, cfg.object_temperature, cfg.sinkhorn_epsilon,
                                         cfg.sinkhorn_iterations)
        terms[f'object/{level}'] = assign + obj
        terms[f'image/{level}'] = image_contrast(s, t, cfg.temperature)
    pairs = list(combinations([m for m in ('hr', 's2', 's1') if m in proj_s], 2))
    if pairs:
        terms['cross_modal'] = cross_modal_alignment(proj_s, proj_t, pairs, cfg.temperature, cfg.max_pixels, generator)
    geo, _ = geo_prototype_loss(fused_s, fused_t, meta['lat'], meta['lon'], student.backbone.geo_context,
                                cfg.geo_temperature, cfg.sinkhorn_epsilon, cfg.sinkhorn_iterations,
                                cfg.geo_momentum, update_geo)
    if geo is not None:
        terms['geo'] = geo
    return terms, fused_t


def batch_losses(student, teacher, view_a, view_b, meta, cfg, symmetric=False, generator=None):
    """-> (total loss tensor, {term: float}, health {'teacher_std': float})"""
    terms, fused_t = one_direction(student, teacher, view_b, view_a, meta, cfg, generator)
    if symmetric:
        back, _ = one_direction(student, teacher, view_a, view_b, meta, cfg, generator, update_geo=False)
        terms = {k: (terms[k] + back[k]) / 2 for k in terms}
    # each granularity is averaged over the levels present, so a batch with three modalities
    # weighs the same as a single-modality one and no group dominates the gradient
    families = {}
    for name, value in terms.items():
        families.setdefault(name.split('/')[0], []).append(value)
    total = sum(cfg.weights[f] * sum(v) / len(v) for f, v in families.items())
    # std of the teacher's normalised pooled fused features: near 0 means representation collapse
    pooled = torch.nn.functional.normalize(fused_t.mean(dim=(2, 3)), dim=1)
    health = {'teacher_std': float(pooled.std(dim=0).mean()) if pooled.shape[0] > 1 else float('nan')}
    return total, {k: float(v) for k, v in terms.items()}, health
