"""Encoder taps exactly as the TypeScript engine feeds them to a head.

The engine (main/tasks) normalises raw values with the model manifest's mean/std (NaN and nodata
become 0, the band mean), cuts the raster into encoder tiles on the output grid, runs the encoder
per tile and runs the head on each tile's taps. A head therefore only ever sees taps of one
encoder tile; training must see the same thing, or a ViT feature computed over a differently
sized window would drift from what the head meets at run time.

API
    normalise(raw (C, H, W), modality) -> float32: (v - mean) / std, NaN -> 0 (main/inputs/normalise.ts)
    axis_positions(size, tile, overlap, stride) -> [int]: tile origins in input px (main/tiler/tile-plan.ts)
    owner_index(out_size, positions_out, tile_out) -> (out_size,) int: which tile owns each output
        cell: the one in which the cell is farthest from a tile edge (the engine's margin drops the
        other tiles' edge cells; where the last, shifted tile overlaps more it blends, a detail a
        per-cell head does not care about)
    stitched_taps(run, image, tile, overlap, stride, taps, batch=32) -> {tap: (C, ceil(H/s), ceil(W/s))}
        run(x (B, C, t, t) tensor) -> {tap: (B, C', t/s, t/s)}; every output cell holds the tap of its
        owning tile. Only for taps on the head's output grid (stride s), as per-cell heads use them.
    tile_taps(run, image, size) -> {tap: (C', ...)}: one whole-image tile (HR quadrants = one tile).
Windows past the raster edge are mirror-padded, as main/tiler/tile-read.ts does.
"""
import numpy as np
import torch

from .errors import HeadError


def normalise(raw, modality):
    mean = np.asarray(modality['mean'], dtype=np.float32)[:, None, None]
    std = np.asarray(modality['std'], dtype=np.float32)[:, None, None]
    raw = np.asarray(raw, dtype=np.float32)
    if raw.shape[0] != mean.shape[0]:
        raise HeadError(f'input has {raw.shape[0]} bands, the modality lists {mean.shape[0]} ({", ".join(modality["bands"])})')
    x = (raw - mean) / std
    return np.where(np.isnan(x), np.float32(0), x).astype(np.float32)


def axis_positions(size, tile, overlap, stride):
    out_size = -(-size // stride)
    tile_out = tile // stride
    step = (tile - overlap) // stride
    if out_size <= tile_out:
        return [0]
    n = 1 + -(-(out_size - tile_out) // step)
    return [i * step * stride for i in range(n - 1)] + [(out_size - tile_out) * stride]


def owner_index(out_size, positions_out, tile_out):
    c = np.arange(out_size)[:, None]
    p = np.asarray(positions_out)[None, :]
    inside = (c >= p) & (c < p + tile_out)
    depth = np.where(inside, np.minimum(c - p, p + tile_out - 1 - c), -1)
    return depth.argmax(axis=1)  # first maximum: ties go to the earlier tile


def _mirror(idx, n):
    if n == 1:
        return np.zeros_like(idx)
    period = 2 * (n - 1)
    m = np.mod(idx, period)
    return np.where(m < n, m, period - m)


def _window(x, y0, x0, size):
    _, h, w = x.shape
    rows = _mirror(np.arange(y0, y0 + size), h)
    cols = _mirror(np.arange(x0, x0 + size), w)
    return x[:, rows][:, :, cols]


def stitched_taps(run, image, tile, overlap, stride, taps, batch=32):
    _, h, w = image.shape
    ys, xs = axis_positions(h, tile, overlap, stride), axis_positions(w, tile, overlap, stride)
    t_out = tile // stride
    oh, ow = -(-h // stride), -(-w // stride)
    own_r = owner_index(oh, [y // stride for y in ys], t_out)
    own_c = owner_index(ow, [x // stride for x in xs], t_out)
    out = {}
    origins = [(i, j) for i in range(len(ys)) for j in range(len(xs))]
    for k in range(0, len(origins), batch):
        chunk = origins[k:k + batch]
        xb = torch.from_numpy(np.stack([_window(image, ys[i], xs[j], tile) for i, j in chunk]))
        with torch.no_grad():
            res = run(xb)
        for name in taps:
            f = res[name].numpy()
            if f.shape[-1] != t_out:
                raise HeadError(f'tap {name}: {f.shape[-1]} cells per {tile} px tile, expected {t_out} (stride {stride})')
            if name not in out:
                out[name] = np.empty((f.shape[1], oh, ow), dtype=np.float32)
            for (i, j), fi in zip(chunk, f):
                rr = np.flatnonzero(own_r == i)
                cc = np.flatnonzero(own_c == j)
                out[name][:, rr[:, None], cc[None, :]] = fi[:, rr[:, None] - ys[i] // stride, cc[None, :] - xs[j] // stride]
    return out


def tile_taps(run, image, size):
    if image.shape[1:] != (size, size):
        raise HeadError(f'image {image.shape[1]} x {image.shape[2]} px is not one {size} px encoder tile')
    with torch.no_grad():
        res = run(torch.from_numpy(np.ascontiguousarray(image))[None])
    return {k: v[0].numpy() for k, v in res.items()}
