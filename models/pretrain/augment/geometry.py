"""Geometry shared by every modality of a view: crops and the 8 dihedral transforms.

The two views of a sample cover the same ground but get independent dihedral transforms; the
inverse transform is applied to their feature maps, so pixel i of one view's features meets
pixel i of the other's. Flips and 90-degree rotations are exact on any grid, which is why they,
and not arbitrary rotations, are used: the S2 and HR grids stay aligned after them.
"""
import numpy as np
import torch
import torch.nn.functional as F


def dihedral(x, code):
    """Applies transform `code` (0..7: k = code % 4 quarter turns, then a left-right flip if code >= 4)
    to the last two axes of a numpy array or torch tensor."""
    k, flip = code % 4, code >= 4
    if isinstance(x, torch.Tensor):
        y = torch.rot90(x, k, dims=(-2, -1))
        return torch.flip(y, dims=(-1,)) if flip else y
    y = np.rot90(x, k, axes=(-2, -1))
    return np.ascontiguousarray(y[..., ::-1] if flip else y)


def inverse_dihedral(x, code):
    k, flip = code % 4, code >= 4
    if isinstance(x, torch.Tensor):
        y = torch.flip(x, dims=(-1,)) if flip else x
        return torch.rot90(y, -k, dims=(-2, -1))
    y = x[..., ::-1] if flip else x
    return np.ascontiguousarray(np.rot90(y, -k, axes=(-2, -1)))


def inverse_dihedral_batch(x, codes):
    """(B, C, h, w) tensor, one code per item."""
    return torch.stack([inverse_dihedral(x[i], int(c)) for i, c in enumerate(codes)])


def random_window(rng, height, width, size):
    """Top-left (y, x) of a size x size window inside height x width (the whole image when smaller)."""
    y = int(rng.integers(0, max(height - size, 0) + 1))
    x = int(rng.integers(0, max(width - size, 0) + 1))
    return y, x


def resize(x, size, mode='bilinear'):
    """(..., H, W) float32 numpy -> (..., size, size) with antialiasing when shrinking."""
    t = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))
    lead = t.shape[:-2]
    t = t.reshape(1, -1, *t.shape[-2:])
    if tuple(t.shape[-2:]) != (size, size):
        shrink = t.shape[-1] > size or t.shape[-2] > size
        if mode == 'nearest':
            t = F.interpolate(t, size=(size, size), mode='nearest')
        else:
            t = F.interpolate(t, size=(size, size), mode=mode, align_corners=False, antialias=shrink)
    return t.reshape(*lead, size, size).numpy()


def hr_crop(rng, image, gsd, out_px=256, target_gsd=0.3, scale=(0.6, 1.4)):
    """GSD-aware random resized crop of an HR frame stack (T, 3, H, W).

    The crop covers out_px * target_gsd metres times a random scale factor, so every source is
    brought near the ~0.3 m GSD SkySense's HR encoder expects while keeping some scale jitter.
    Sources with unknown GSD get a crop of 40-100 % of their shorter side. Returns float32
    (T, 3, out_px, out_px).
    """
    h, w = image.shape[-2:]
    if np.isfinite(gsd) and gsd > 0:
        side = out_px * target_gsd * rng.uniform(*scale) / gsd
    else:
        side = min(h, w) * rng.uniform(0.4, 1.0)
    side = int(np.clip(round(side), min(32, h, w), min(h, w)))
    y, x = random_window(rng, h, w, side)
    return resize(image[..., y:y + side, x:x + side].astype(np.float32), out_px)
