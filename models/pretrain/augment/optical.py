"""HR optical (8-bit R, G, B) photometric augmentations: colour jitter, grayscale, blur.

Colour jitter is right here because HR images come from many sensors and processing chains
(Google Earth, aerial orthophotos) whose colour balance varies with no meaning for the ground.
"""
import numpy as np
import torch
import torch.nn.functional as F

LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)


def _luma(x):
    return np.einsum('c,...chw->...hw', LUMA, x)[..., None, :, :]


def colour_jitter(rng, x, brightness=0.3, contrast=0.3, saturation=0.3, p=0.8):
    """x: (..., 3, H, W) float 0-255."""
    if rng.random() >= p:
        return x
    grey = _luma(x)
    for op in rng.permutation(3):
        if op == 0:
            x = x * rng.uniform(1 - brightness, 1 + brightness)
        elif op == 1:
            m = grey.mean(axis=(-2, -1), keepdims=True)
            x = (x - m) * rng.uniform(1 - contrast, 1 + contrast) + m
        else:
            g = _luma(x)
            x = (x - g) * rng.uniform(1 - saturation, 1 + saturation) + g
    return np.clip(x, 0, 255).astype(np.float32)


def grayscale(rng, x, p=0.2):
    if rng.random() >= p:
        return x
    g = _luma(x)
    return np.broadcast_to(g, x.shape).astype(np.float32).copy()


def gaussian_blur(rng, x, p=0.3, sigma=(0.1, 2.0)):
    if rng.random() >= p:
        return x
    s = rng.uniform(*sigma)
    r = max(1, int(round(2 * s)))
    k = np.exp(-0.5 * (np.arange(-r, r + 1) / s) ** 2)
    k = torch.from_numpy((k / k.sum()).astype(np.float32))
    t = torch.from_numpy(np.ascontiguousarray(x))
    shape = t.shape
    t = t.reshape(-1, 1, *shape[-2:])
    t = F.conv2d(F.pad(t, (r, r, 0, 0), mode='reflect'), k.view(1, 1, 1, -1))
    t = F.conv2d(F.pad(t, (0, 0, r, r), mode='reflect'), k.view(1, 1, -1, 1))
    return t.reshape(shape).numpy()


def augment_hr(rng, x):
    """Full HR photometric pipeline on (T, 3, H, W) 0-255 float."""
    x = colour_jitter(rng, x)
    x = grayscale(rng, x)
    return gaussian_blur(rng, x)
