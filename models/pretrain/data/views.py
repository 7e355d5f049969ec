"""Turns samples into batches of two augmented views (teacher view, student view) for one
modality group.

A batch holds samples that share a set of modalities, because each SkySense module takes one
tensor per modality. Groups (which samples qualify, what the batch feeds the model):
  hr         every sample with HR                 -> hr
  s2, s1     samples with that modality, no HR    -> s2 (+doy) / s1
  s2s1       co-located S2+S1, no HR              -> s2, s1
  hr_s2      co-located HR+S2 (TreeSatAI)         -> hr, s2
  hr_s2_s1   co-located HR+S2+S1 (TreeSatAI)      -> hr, s2, s1
Both views of a sample cover the same ground; they differ in dihedral transform (undone on the
features), photometric/spectral/SAR augmentation, and, for series, in which dates they see.
Co-located HR and S2 are resampled so that one S2 pixel spans 32 HR pixels, the alignment the
fusion module needs (SKYSENSE.md section 1.4).
"""
from dataclasses import dataclass

import numpy as np
import torch

from ..augment import geometry, multispectral, optical, sar, temporal
from .bands import HR_MEAN, HR_STD, S1_MEAN, S1_STD, S2_MEAN, S2_STD
from .frames import day_of_year

GROUPS = {
    'hr': (('hr',), lambda s: s.hr is not None),
    's2': (('s2',), lambda s: s.s2 is not None and s.hr is None),
    's1': (('s1',), lambda s: s.s1 is not None and s.hr is None),
    's2s1': (('s2', 's1'), lambda s: s.s2 is not None and s.s1 is not None and s.hr is None),
    'hr_s2': (('hr', 's2'), lambda s: s.hr is not None and s.s2 is not None),
    'hr_s2_s1': (('hr', 's2', 's1'), lambda s: s.hr is not None and s.s2 is not None and s.s1 is not None),
}


@dataclass
class ViewConfig:
    hr_px: int = 256          # HR crop; its stride-32 map (8) must reach the Swin window (8)
    s2_px: int = 16           # S2/S1 crop for batches without HR
    max_frames: int = 4       # frames per series view
    date_jitter_days: int = 7
    hr_target_gsd: float = 0.3


class GroupSampler:
    """Draws batches of sample indices for one group; sources are balanced by weighting each tile
    1/sqrt(tiles of its source in the group), so OSCD's thousands of tiles do not drown the rest."""

    def __init__(self, samples, group):
        _, accept = GROUPS[group]
        self.group = group
        self.index = [i for i, s in enumerate(samples) if accept(s)]
        per_source = {}
        for i in self.index:
            per_source[samples[i].source] = per_source.get(samples[i].source, 0) + 1
        w = np.array([1.0 / np.sqrt(per_source[samples[i].source]) for i in self.index])
        self.p = w / w.sum() if len(w) else w

    def __len__(self):
        return len(self.index)

    def draw(self, rng, batch):
        # never the same tile twice in a batch: a duplicate would be a false negative for InfoNCE
        picks = rng.choice(len(self.index), size=min(batch, len(self.index)), replace=False, p=self.p)
        return [self.index[i] for i in picks]


def _norm(x, mean, std):
    return (x - mean[:, None, None]) / std[:, None, None]


def _series_view(rng, series, dates, frames, jitter):
    idx = temporal.subsample(rng, series.shape[0], frames)
    doy = temporal.jitter_doy(rng, day_of_year(dates[idx]), jitter)
    return series[idx].astype(np.float32), doy


def _s2_view(rng, sample, win, frames, cfg, resize_to=None):
    x, doy = _series_view(rng, sample.s2[(slice(None), slice(None)) + win], sample.s2_dates, frames, cfg.date_jitter_days)
    if resize_to:
        x = geometry.resize(x, resize_to)
    x = multispectral.sensor_noise(rng, multispectral.band_gain(rng, x))
    x, _ = multispectral.band_dropout(rng, _norm(x, S2_MEAN, S2_STD), sample.s2_band_valid)
    return x, doy


def _s1_view(rng, sample, win, frames, cfg, resize_to=None):
    x, _ = _series_view(rng, sample.s1[(slice(None), slice(None)) + win], sample.s1_dates, frames, cfg.date_jitter_days)
    if resize_to:
        x = geometry.resize(x, resize_to)
    x = sar.calibration_offset(rng, sar.speckle(rng, x))
    return _norm(x, S1_MEAN, S1_STD)


def _hr_view(rng, hr_stack):
    """hr_stack: (T_hr, 3, H, W) float 0-255 already cropped/resized; a view takes one date."""
    frame = hr_stack[int(rng.integers(0, hr_stack.shape[0]))][None]
    return _norm(optical.augment_hr(rng, frame)[0], HR_MEAN, HR_STD)


def make_batch(rng, samples, group, cfg=ViewConfig()):
    """Two views of `samples` for `group`: (view_a, view_b, meta). Each view is a dict of torch
    tensors: hr (B,3,H,W), s2 (B,T,10,h,w), s2_doy (B,T), s1 (B,T,2,h,w), dihedral (B,)."""
    mods = GROUPS[group][0]
    colocated = 'hr' in mods and len(mods) > 1
    frames = {m: int(rng.integers(1, cfg.max_frames + 1)) for m in ('s2', 's1')}
    views = [{m: [] for m in mods + ('s2_doy', 'dihedral')} for _ in range(2)]
    for s in samples:
        shared = {}
        if 'hr' in mods:
            if colocated:
                shared['hr'] = geometry.resize(s.hr.astype(np.float32), cfg.hr_px)
            else:
                shared['hr'] = geometry.hr_crop(rng, s.hr, s.hr_gsd, cfg.hr_px, cfg.hr_target_gsd)
        grid = cfg.hr_px // 32 if colocated else cfg.s2_px
        ref = s.s2 if s.s2 is not None else s.s1
        if ref is not None and ('s2' in mods or 's1' in mods):
            if colocated:
                win, resize_to = (slice(None), slice(None)), grid
            else:
                y, x = geometry.random_window(rng, ref.shape[2], ref.shape[3], grid)
                win, resize_to = (slice(y, y + grid), slice(x, x + grid)), (grid if min(ref.shape[2:]) < grid else None)
        for v in views:
            code = int(rng.integers(0, 8))
            v['dihedral'].append(code)
            if 'hr' in mods:
                v['hr'].append(geometry.dihedral(_hr_view(rng, shared['hr']), code))
            if 's2' in mods:
                x, doy = _s2_view(rng, s, win, frames['s2'], cfg, resize_to)
                v['s2'].append(geometry.dihedral(x, code))
                v['s2_doy'].append(doy)
            if 's1' in mods:
                v['s1'].append(geometry.dihedral(_s1_view(rng, s, win, frames['s1'], cfg, resize_to), code))
    out = []
    for v in views:
        t = {'dihedral': torch.tensor(v['dihedral'])}
        for m in mods:
            t[m] = torch.from_numpy(np.stack(v[m]).astype(np.float32))
        if 's2' in mods:
            t['s2_doy'] = torch.from_numpy(np.stack(v['s2_doy']).astype(np.int64))
        out.append(t)
    meta = {'lat': torch.tensor([s.lat for s in samples], dtype=torch.float32),
            'lon': torch.tensor([s.lon for s in samples], dtype=torch.float32),
            'ids': [s.id for s in samples], 'group': group}
    return out[0], out[1], meta
