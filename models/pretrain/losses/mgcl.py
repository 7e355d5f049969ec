"""Multi-Granularity Contrastive Learning: pixel, object and image level.

Inputs are projected dense features of the student (gradient) and the EMA teacher (no gradient)
for two views of the same samples, already mapped back onto one grid (views differ by dihedral
transform, spectral/temporal augmentation and subsampled dates), shape (B, D, h, w).
- pixel:  InfoNCE between the student's and the teacher's feature at the same location; the
          other sampled locations of the batch are the negatives.
- object: the teacher's pixels are clustered into K prototypes by Sinkhorn-Knopp; the student
          predicts each pixel's cluster (swapped prediction, trains the prototypes) and each
          cluster's mean feature per image (an "object") is contrasted between student and teacher.
- image:  InfoNCE between globally pooled features of the two views across the batch.
"""
import torch
import torch.nn.functional as F

from .info_nce import info_nce, sample_rows
from .sinkhorn import sinkhorn


def _pixels(x):
    """(B, D, h, w) -> (B, h*w, D)"""
    return x.flatten(2).transpose(1, 2)


def pixel_contrast(student, teacher, temperature=0.2, max_pixels=512, generator=None):
    s, t = _pixels(student).reshape(-1, student.shape[1]), _pixels(teacher).reshape(-1, teacher.shape[1])
    idx = sample_rows(s.shape[0], max_pixels, generator, s.device)
    return info_nce(s[idx], t[idx], temperature)


def image_contrast(student, teacher, temperature=0.2):
    return info_nce(student.mean(dim=(2, 3)), teacher.mean(dim=(2, 3)), temperature)


def object_contrast(student, teacher, prototypes, temperature=0.1, epsilon=0.05, iterations=3, min_mass=1.0):
    """Returns (swapped-prediction loss, object InfoNCE loss, teacher codes (B, h*w, K))."""
    b, d = student.shape[:2]
    zs = F.normalize(_pixels(student), dim=-1)
    zt = F.normalize(_pixels(teacher.detach()), dim=-1)
    protos = F.normalize(prototypes, dim=-1)
    k = protos.shape[0]
    codes = sinkhorn((zt @ protos.detach().t()).reshape(-1, k), epsilon, iterations).reshape(b, -1, k)
    log_p = F.log_softmax(zs @ protos.t() / temperature, dim=-1)
    assign = -(codes * log_p).sum(dim=-1).mean()
    mass = codes.sum(dim=1)  # (B, K) pixels per object
    weights = codes / mass.unsqueeze(1).clamp_min(1e-6)
    obj_s = torch.einsum('bnk,bnd->bkd', weights, zs)
    obj_t = torch.einsum('bnk,bnd->bkd', weights, zt)
    keep = mass >= min_mass
    obj = info_nce(obj_s[keep], obj_t[keep], temperature) if int(keep.sum()) > 1 else zs.sum() * 0.0
    return assign, obj, codes
