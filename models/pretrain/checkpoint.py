"""Checkpoints of a pre-training run.

- training state (student, teacher, optimiser, progress, RNG states) to resume a run;
- the teacher's SkySense weights in the official full-checkpoint layout ({'model': {backbone_gep.*,
  backbone_s2.*, backbone_s1.*, fusion.*, ctpe, head_s2.*, head_s1.*}}), which models/convert.py
  reads like an official release, plus geo_context.prototypes (which no official file has).
The teacher (EMA) is the exported model, as in EMA teacher-student methods, because it is the
smoothed average of the student's trajectory. Every file is written under a temporary name and
renamed when whole.
"""
import os

import torch

OFFICIAL_PREFIX = {
    'hr_encoder': 'backbone_gep.',
    's2_encoder': 'backbone_s2.',
    's1_encoder': 'backbone_s1.',
    'fusion': 'fusion.',
    's2_up': 'head_s2.',
    's1_up': 'head_s1.',
    'geo_context': 'geo_context.',
}


def atomic_save(obj, path):
    tmp = f'{path}.tmp'
    torch.save(obj, tmp)
    os.replace(tmp, path)


def official_state(skysense):
    """SkySense module -> flat state dict in the official full-checkpoint layout."""
    out = {}
    for name, prefix in OFFICIAL_PREFIX.items():
        module = getattr(skysense, name)
        if module is None:
            continue
        for k, v in module.state_dict().items():
            if name == 'fusion' and k == 'ctpe':
                out['ctpe'] = v.detach().cpu().clone()  # the official full file keeps ctpe at top level
            else:
                out[prefix + k] = v.detach().cpu().clone()
    return out


def load_official_state(skysense, state):
    """Inverse of official_state (strict): used by tests and to start from our own weights."""
    per = {name: {} for name in OFFICIAL_PREFIX}
    for k, v in state.items():
        if k == 'ctpe':
            per['fusion']['ctpe'] = v
            continue
        for name, prefix in OFFICIAL_PREFIX.items():
            if k.startswith(prefix):
                per[name][k[len(prefix):]] = v
                break
        else:
            raise KeyError(f'checkpoint key {k!r} belongs to no SkySense module')
    for name, sd in per.items():
        module = getattr(skysense, name)
        if module is not None and sd:
            module.load_state_dict(sd, strict=True)


def save_weights(path, teacher_model, meta):
    atomic_save({'model': official_state(teacher_model.backbone), 'meta': meta}, path)


def save_training_state(path, student, teacher, optimizer, progress):
    atomic_save({'student': student.state_dict(), 'teacher': teacher.state_dict(),
                 'optimizer': optimizer.state_dict(), 'progress': progress}, path)


def load_training_state(path, student, teacher, optimizer, device):
    state = torch.load(path, map_location=device)
    student.load_state_dict(state['student'])
    teacher.load_state_dict(state['teacher'])
    optimizer.load_state_dict(state['optimizer'])
    return state['progress']
