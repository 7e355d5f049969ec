"""Training a head: full-batch Adam from a seeded initialisation, one thread, so a rerun with the
same features gives the same weights bit for bit.

API
    seeded(seed)                     torch.manual_seed + numpy seeding, before a head is built
    train(net, loss_fn, steps, lr, weight_decay) -> [loss per step]
        loss_fn(net) -> scalar; full batch, so there is no batch order to vary
    soft_targets(label (H, W) int, stride, classes, ignore) -> (fractions (K, h, w), labelled (h, w))
        per output cell (stride x stride input pixels, the last ones cut by the raster edge): the
        fraction of its labelled pixels in each class and the fraction of pixels labelled at all;
        what a cell-grid head can be asked to predict without guessing a sub-cell label
    class_weights(fractions (K, ...), labelled) -> (K,) n / (K_present * n_k), 0 for absent classes
    upsample(p (K, h, w), stride, H, W) -> (K, H, W) float32: probabilities resized bilinearly
        (half-pixel centres, edges clamped) to the input pixels, as the engine writes its default
        input-grid class raster (main/heads/head-infer.ts), so the metrics are what a user gets
"""
import random

import numpy as np
import torch
import torch.nn.functional as F


def seeded(seed):
    torch.manual_seed(seed)
    np.random.seed(seed)
    random.seed(seed)


def train(net, loss_fn, steps, lr, weight_decay=0.0):
    params = [p for p in net.parameters() if p.requires_grad]
    opt = torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)
    losses = []
    net.train()
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_fn(net)
        loss.backward()
        opt.step()
        losses.append(float(loss.detach()))
    net.eval()
    return losses


def soft_targets(label, stride, classes, ignore):
    h, w = label.shape
    oh, ow = -(-h // stride), -(-w // stride)
    pad = np.full((oh * stride, ow * stride), ignore, dtype=label.dtype)
    pad[:h, :w] = label
    cells = pad.reshape(oh, stride, ow, stride).transpose(0, 2, 1, 3).reshape(oh, ow, -1)
    counts = np.stack([(cells == c).sum(-1) for c in classes]).astype(np.float32)
    labelled = counts.sum(0)
    frac = counts / np.maximum(labelled, 1)
    return frac, labelled / (stride * stride)


def class_weights(fractions, labelled):
    k = fractions.shape[0]
    mass = (fractions * labelled[None]).reshape(k, -1).sum(1).astype(np.float64)
    present = mass > 0
    w = np.zeros(k)
    w[present] = mass.sum() / (present.sum() * mass[present])
    return w.astype(np.float32)


def upsample(p, stride, h, w):
    t = torch.from_numpy(np.ascontiguousarray(p, dtype=np.float32))[None]
    up = F.interpolate(t, size=(t.shape[-2] * stride, t.shape[-1] * stride), mode='bilinear', align_corners=False)
    return up[0, :, :h, :w].numpy()
