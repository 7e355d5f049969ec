"""Geo-Context Prototype learning on the fused features.

Each sample's latitude/longitude picks a region (models.reference GeoContext.region_index); the
region holds N_p prototypes. Per region present in the batch, the teacher's fused pixels are
assigned to the region's prototypes by Sinkhorn-Knopp; the student's fused pixels must predict
that assignment (cross-entropy on cosine similarity / temperature); then the prototypes move by
EMA towards the mean teacher feature assigned to them. The prototypes are not in the optimizer:
they are a running summary of what each region's features look like, which the GeoContext
read-out attends to at inference.
"""
import torch
import torch.nn.functional as F

from .sinkhorn import sinkhorn


def geo_prototype_loss(student_fused, teacher_fused, lat, lon, geo, temperature=0.1, epsilon=0.05, iterations=3,
                       momentum=0.99, update=True):
    """student_fused/teacher_fused: (B, d, h, w) raw fused features; lat/lon: (B,) with NaN for
    unknown; geo: GeoContext (its .prototypes (N_R, N_p, d) are updated in place when update).
    Returns the loss (None when no sample has a location) and the number of regions used."""
    known = torch.isfinite(lat) & torch.isfinite(lon)
    if not bool(known.any()):
        return None, 0
    regions = geo.region_index(lat[known], lon[known])
    zs_all = student_fused[known].flatten(2).transpose(1, 2)  # (b, hw, d)
    zt_all = teacher_fused[known].detach().flatten(2).transpose(1, 2)
    losses = []
    for r in torch.unique(regions):
        sel = regions == r
        zs = zs_all[sel].reshape(-1, zs_all.shape[-1])
        zt = zt_all[sel].reshape(-1, zt_all.shape[-1])
        protos = geo.prototypes[r].detach()
        p = F.normalize(protos, dim=-1)
        codes = sinkhorn(F.normalize(zt, dim=-1) @ p.t(), epsilon, iterations)
        log_q = F.log_softmax(F.normalize(zs, dim=-1) @ p.t() / temperature, dim=-1)
        losses.append(-(codes * log_q).sum(dim=-1).mean())
        if update:
            with torch.no_grad():
                mass = codes.sum(dim=0)
                target = (codes.t() @ zt) / mass.clamp_min(1e-6).unsqueeze(1)
                hit = mass > 1e-3
                geo.prototypes.data[r, hit] = momentum * protos[hit] + (1 - momentum) * target[hit].to(protos.dtype)
    return sum(losses) / len(losses), len(losses)
