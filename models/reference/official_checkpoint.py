"""Read official SkySense checkpoints (full multi-modal or split files) into per-module state dicts
that load into models.reference modules with strict=True.

API
    CheckpointError(ValueError)           every refusal; the message names the file and the problem
    read_checkpoint(path, trust=False) -> {key: tensor}
        torch.load with weights_only=True unless trust=True (a pickle can run code); unwraps
        {'model': ...} (full checkpoint) and {'state_dict': ...}.
    gather(specs, cfg, trust=False) -> (states, report)
        specs: file paths, or 'module=path' to say which module a split file holds.
        states: {module_name: {'state': {key: tensor}, 'sources': [path, ...]}}
        report: {'ignored': [(path, key)], 'dropped': [(path, key)]}
    check_state(name, state, cfg, sources) -> None, raises CheckpointError listing the first missing /
        unexpected / wrong-shape keys and their counts (expected keys come from a 'meta' build).
    load_into(module, name, state, sources)   check + load_state_dict(strict=True)

Layouts understood (SKYSENSE.md §2.1):
    full: top-level prefixes backbone_gep. (HR Swin), backbone_s2., backbone_s1., fusion., head_s2.,
          head_s1., and a top-level ctpe (goes to fusion.ctpe); other keys (head_gep.*, ...) are
          pre-training parts with no module here: ignored and reported.
    split: skysense_model_backbone_hr.pth ('backbone.' prefix + mask_token), *_backbone_s2.pth
          (no prefix, + ctpe -> fusion.ctpe), *_backbone_s1.pth, *_head_s2.pth / *_head_s1.pth
          (decoder.0.*), *_fusion.pth (with or without 'backbone.'). The module is recognised from
          the keys (ViT S2 vs S1 by input channels; heads by file name) unless given as module=path.
Dropped on purpose: relative_coords_table / relative_position_index (rebuilt at init) and
mask_token (pre-training only).
"""
import os
import pickle
import re

import torch

from models.reference.skysense import MODULE_NAMES, build_module

FULL_PREFIXES = {
    'backbone_gep.': 'hr_encoder',
    'backbone_s2.': 's2_encoder',
    'backbone_s1.': 's1_encoder',
    'fusion.': 'fusion',
    'head_s2.': 's2_up',
    'head_s1.': 's1_up',
}
REBUILT = ('relative_coords_table', 'relative_position_index')
SHOW = 5


class CheckpointError(ValueError):
    pass


def _first(items, n=SHOW):
    items = list(items)
    more = f', ... ({len(items) - n} more)' if len(items) > n else ''
    return ', '.join(items[:n]) + more


def read_checkpoint(path, trust=False):
    if not os.path.isfile(path):
        raise CheckpointError(f'{path}: no such file')
    try:
        obj = torch.load(path, map_location='cpu', weights_only=not trust)
    except Exception as e:  # noqa: BLE001  the unpicklers raise many types on foreign bytes
        msg = (str(e).splitlines() or [''])[0][:200] or type(e).__name__
        if not trust and isinstance(e, pickle.UnpicklingError) and 'weights_only' in str(e):
            raise CheckpointError(f'{path}: holds Python objects besides tensors ({msg}); if you trust the file, '
                                  f'pass --trust-checkpoint') from None
        raise CheckpointError(f'{path}: not a PyTorch checkpoint ({type(e).__name__}: {msg})') from None
    for wrapper in ('model', 'state_dict'):
        if isinstance(obj, dict) and isinstance(obj.get(wrapper), dict):
            obj = obj[wrapper]
            break
    if not isinstance(obj, dict):
        raise CheckpointError(f'{path}: holds a {type(obj).__name__}, not a state dict')
    state = {k: v for k, v in obj.items() if isinstance(k, str) and torch.is_tensor(v)}
    if not state:
        raise CheckpointError(f'{path}: has no tensors (keys: {_first(map(str, obj.keys()))})')
    return state


def _strip(state, prefix):
    return {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)}


def _split_module(path, state, cfg):
    """Which module a split file holds, from its keys (and its name for the heads)."""
    keys = set(state)
    base = os.path.basename(path).lower()
    if 'porj_linear.weight' in keys:
        return 'fusion'
    if 'patch_embed.norm.weight' in keys or any(k.startswith('stages.') for k in keys):
        return 'hr_encoder'
    if 'decoder.0.weight' in keys:
        if re.search(r's1(?![0-9])', base):
            return 's1_up'
        if re.search(r's2(?![0-9])', base):
            return 's2_up'
        raise CheckpointError(f'{path}: an UPHead file, but its name does not say S2 or S1; pass s2_up={path} '
                              f'or s1_up={path}')
    if 'pos_embed' in keys and 'patch_embed.projection.weight' in keys:
        in_ch = state['patch_embed.projection.weight'].shape[1]
        hits = [m for m, c in (('s2_encoder', 's2'), ('s1_encoder', 's1')) if cfg[c]['in_channels'] == in_ch]
        if len(hits) == 1:
            return hits[0]
        raise CheckpointError(f'{path}: a ViT with {in_ch} input channels, which matches neither the S2 '
                              f'({cfg["s2"]["in_channels"]}) nor the S1 ({cfg["s1"]["in_channels"]}) encoder')
    raise CheckpointError(f'{path}: not a SkySense checkpoint: none of its {len(keys)} keys '
                          f'(first: {_first(sorted(keys))}) match a known layout')


def _classify(path, state, cfg, forced):
    """-> list of (module, {key: tensor}), ignored keys, dropped keys."""
    ignored, dropped, parts = [], [], {}

    def drop_rebuilt(sd):
        kept = {}
        for k, v in sd.items():
            if k.split('.')[-1] in REBUILT or k == 'mask_token':
                dropped.append(k)
            else:
                kept[k] = v
        return kept

    if forced is None and any(k.startswith(p) for k in state for p in FULL_PREFIXES):
        for prefix, name in FULL_PREFIXES.items():
            sd = _strip(state, prefix)
            if sd:
                parts[name] = drop_rebuilt(sd)
        for k in state:
            if k == 'ctpe':
                parts.setdefault('fusion', {})['ctpe'] = state[k]
            elif not any(k.startswith(p) for p in FULL_PREFIXES):
                ignored.append(k)
        return parts, ignored, dropped

    sd = {k[len('backbone.'):] if k.startswith('backbone.') else k: v for k, v in state.items()}
    for head_prefix in ('head_s2.', 'head_s1.', 'head.'):
        if any(k.startswith(head_prefix) for k in sd):
            sd = {k[len(head_prefix):] if k.startswith(head_prefix) else k: v for k, v in sd.items()}
    name = forced or _split_module(path, sd, cfg)
    if name not in MODULE_NAMES:
        raise CheckpointError(f'{path}: unknown module {name!r} (known: {", ".join(MODULE_NAMES)})')
    if 'ctpe' in sd and name != 'fusion':
        parts['fusion'] = {'ctpe': sd.pop('ctpe')}
    parts[name] = drop_rebuilt(sd)
    return parts, ignored, dropped


def gather(specs, cfg, trust=False):
    states, report = {}, {'ignored': [], 'dropped': []}
    for spec in specs:
        forced, path = None, spec
        m = re.match(r'^([a-z0-9_]+)=(.+)$', spec)
        if m and m.group(1) in MODULE_NAMES:
            forced, path = m.group(1), m.group(2)
        state = read_checkpoint(path, trust)
        parts, ignored, dropped = _classify(path, state, cfg, forced)
        report['ignored'] += [(path, k) for k in ignored]
        report['dropped'] += [(path, k) for k in dropped]
        for name, sd in parts.items():
            entry = states.setdefault(name, {'state': {}, 'sources': []})
            clash = sorted(set(sd) & set(entry['state']))
            if clash:
                raise CheckpointError(f'{path}: {name} keys also come from {", ".join(entry["sources"])} '
                                      f'({len(clash)} keys, first: {_first(clash)})')
            entry['state'].update(sd)
            entry['sources'].append(path)
    return states, report


def check_state(name, state, cfg, sources):
    expected = {k: tuple(v.shape) for k, v in build_module(cfg, name, device='meta').state_dict().items()}
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    wrong = [f'{k} {tuple(state[k].shape)} vs model {expected[k]}'
             for k in sorted(set(expected) & set(state)) if tuple(state[k].shape) != expected[k]]
    if not (missing or unexpected or wrong):
        return
    lines = [f'{", ".join(sources)}: checkpoint does not match {name}:']
    if missing:
        hint = ' (ctpe lives in skysense_model_backbone_s2.pth; pass it too)' if missing == ['ctpe'] else ''
        lines.append(f'  {len(missing)} missing keys: {_first(missing)}{hint}')
    if unexpected:
        lines.append(f'  {len(unexpected)} unexpected keys: {_first(unexpected)}')
    if wrong:
        lines.append(f'  {len(wrong)} wrong shapes: {_first(wrong)}')
    raise CheckpointError('\n'.join(lines))


def load_into(module, name, state, sources, cfg):
    check_state(name, state, cfg, sources)
    module.load_state_dict(state, strict=True)
    return module
