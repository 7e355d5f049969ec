"""Official SkySense checkpoints (full or split .pth) -> a model folder (one ONNX per module + manifest.json).

    /usr/bin/python3 models/convert.py --checkpoint FILE [--checkpoint FILE ...] --config official --out DIR
        [--modules s2_encoder,s2_up,...] [--fp16] [--hr-size 512] [--s2-size 64] [--s1-size 64]
    /usr/bin/python3 models/convert.py --random-init --config tiny --out DIR     (no weights: tests, demos)
    /usr/bin/python3 models/convert.py --checkpoint RUN/skysense_pretrained.pth --config tiny --out DIR \
        [--weights-kind pretrained] [--licence-weights TEXT] [--notes TEXT]      (our own pre-training)

--checkpoint accepts the full multi-modal file (['model'] with backbone_gep./backbone_s2./... prefixes)
and the split files (skysense_model_backbone_hr.pth, _backbone_s2.pth (+ ctpe), _backbone_s1.pth,
_head_s2.pth, _head_s1.pth, _fusion.pth); write MODULE=FILE when a file's module cannot be told
from its keys. Without --modules every module the checkpoints provide is converted.
Our own pre-trained weights (models/pretrain writes the official full layout plus
geo_context.prototypes and a 'meta' entry) are recognised by their geo_context prototypes, which no
official release has (--weights-kind auto), or named with --weights-kind pretrained: the manifest
then says provenance.weights "pretrained", carries our licence text (or --licence-weights) instead
of the official non-commercial one, notes the run's meta, and the geo_context module is exported.
Everything is checked before any export starts: a wrong or partial checkpoint is refused with the
missing / unexpected / wrong-shape keys (first few and counts). Each exported file is loaded and run
in onnxruntime-node (the application's runtime) against PyTorch unless --no-verify.
Exit status: 0 done, 2 bad arguments or checkpoint, 1 export/verification failure.
"""
import argparse
import hashlib
import json
import os
import shutil
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

import numpy as np  # noqa: E402
import torch  # noqa: E402

from models.export import ort_node  # noqa: E402
from models.export.fp16 import write_fp16_copy  # noqa: E402
from models.export.manifest import build_manifest, write_manifest  # noqa: E402
from models.export.onnx_module import EXTERNAL_THRESHOLD, export_module, module_spec  # noqa: E402
from models.reference.configs import CONFIG_NAMES, get_config  # noqa: E402
from models.reference.official_checkpoint import CheckpointError, check_state, gather  # noqa: E402
from models.reference.skysense import MODULE_NAMES, build_module  # noqa: E402

GEO_PREFIX = 'geo_context.'
WEIGHTS_KINDS = ('auto', 'converted', 'pretrained')


class UsageError(ValueError):
    pass


def sha256(path):
    h = hashlib.sha256()
    with open(path, 'rb') as fh:
        for block in iter(lambda: fh.read(1 << 22), b''):
            h.update(block)
    return h.hexdigest()


def verify_inputs(spec, gen):
    out = []
    for name, t in zip(spec.input_names, spec.inputs):
        if t.dtype == torch.int64:
            out.append(t.clone())
        elif name == 'lat':
            out.append(torch.rand(t.shape, generator=gen) * 180 - 90)
        elif name == 'lon':
            out.append(torch.rand(t.shape, generator=gen) * 360 - 180)
        else:
            out.append(torch.randn(t.shape, generator=gen))
    return out


def verify(spec, path, gen):
    """Run the file in onnxruntime-node on random inputs; return the worst |ORT - PyTorch| (relative)."""
    inputs = verify_inputs(spec, gen)
    outs, info = ort_node.run(path, {n: t.numpy() for n, t in zip(spec.input_names, inputs)})
    with torch.no_grad():
        ref = spec.module(*inputs)
    ref = ref if isinstance(ref, tuple) else (ref,)
    worst = 0.0
    for name, r in zip(spec.output_names, ref):
        r = r.numpy()
        if outs[name].shape != r.shape:
            raise RuntimeError(f'{path}: output {name} has shape {outs[name].shape}, PyTorch gives {r.shape}')
        worst = max(worst, float(np.abs(outs[name] - r).max() / max(1.0, float(np.abs(r).max()))))
    return worst, info['ms'][0]


def parse_args(argv):
    ap = argparse.ArgumentParser(description='SkySense checkpoints -> ONNX model folder')
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument('--checkpoint', action='append', metavar='[MODULE=]FILE', help='official .pth (repeatable)')
    src.add_argument('--random-init', action='store_true', help='random weights (seeded) instead of a checkpoint')
    ap.add_argument('--config', required=True, choices=CONFIG_NAMES)
    ap.add_argument('--out', required=True, help='model folder to create')
    ap.add_argument('--modules', help=f'comma-separated subset of {",".join(MODULE_NAMES)}')
    ap.add_argument('--fp16', action='store_true', help='also write <module>.fp16.onnx (float16 weights)')
    ap.add_argument('--hr-size', type=int, default=512, help='HR tile edge used for tracing and as default tile')
    ap.add_argument('--s2-size', type=int, default=64)
    ap.add_argument('--s1-size', type=int, default=64)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--name', help='manifest name (folder-safe id)')
    ap.add_argument('--title')
    ap.add_argument('--force', action='store_true', help='write into a non-empty --out')
    ap.add_argument('--trust-checkpoint', action='store_true',
                    help='allow checkpoints that hold Python objects besides tensors (full unpickling)')
    ap.add_argument('--no-verify', action='store_true', help='skip the onnxruntime-node check of each file')
    ap.add_argument('--weights-kind', choices=WEIGHTS_KINDS, default='auto',
                    help="what --checkpoint holds: 'converted' = an official SkySense release, 'pretrained' = our "
                         "own pre-training (models/pretrain); auto: pretrained when a checkpoint has geo_context "
                         "prototypes (no official release has them), else converted")
    ap.add_argument('--licence-weights', metavar='TEXT', help='weights licence for the manifest (default: per kind)')
    ap.add_argument('--notes', metavar='TEXT', help='free text for provenance.notes (run, data, caveats)')
    ap.add_argument('--external-threshold', type=int, default=EXTERNAL_THRESHOLD, help=argparse.SUPPRESS)
    return ap.parse_args(argv)


def plan(args):
    """All argument and checkpoint checks, before any long work. -> (cfg, modules, states, checkpoints)."""
    cfg = get_config(args.config)
    asked = [m for m in args.modules.split(',') if m] if args.modules else None
    for m in asked or []:
        if m not in MODULE_NAMES:
            raise UsageError(f'--modules: unknown module {m!r}; known: {", ".join(MODULE_NAMES)}')
    for flag, size, mult in (('--hr-size', args.hr_size, 32), ('--s2-size', args.s2_size, 4),
                             ('--s1-size', args.s1_size, 4)):
        if size <= 0 or size % mult:
            raise UsageError(f'{flag} {size}: must be a positive multiple of {mult}')
    if args.hr_size < 288 and (asked is None or 'hr_encoder' in asked):
        raise UsageError(f'--hr-size {args.hr_size}: must be >= 288 (each Swin stage map must exceed the window)')
    if os.path.exists(args.out) and not os.path.isdir(args.out):
        raise UsageError(f'--out {args.out}: exists and is not a folder')
    if os.path.isdir(args.out) and os.listdir(args.out) and not args.force:
        raise UsageError(f'--out {args.out}: folder is not empty (pass --force to write into it)')
    for flag, text in (('--licence-weights', args.licence_weights), ('--notes', args.notes)):
        if text is not None and not text.strip():
            raise UsageError(f'{flag}: empty text')
    if args.random_init:
        if args.weights_kind != 'auto':
            raise UsageError('--weights-kind describes a --checkpoint; --random-init has no weights to describe')
        return cfg, asked or list(MODULE_NAMES), {}, None, 'random-init', None
    states, report = gather(args.checkpoint, cfg, trust=args.trust_checkpoint)
    geo_files = sorted({path for path, key in report['ignored'] if key.startswith(GEO_PREFIX)})
    report['ignored'] = [(p, k) for p, k in report['ignored'] if not k.startswith(GEO_PREFIX)]
    meta = None
    for path in geo_files:
        geo, meta = our_extras(path, args.trust_checkpoint)
        entry = states.setdefault('geo_context', {'state': {}, 'sources': []})
        entry['state'].update(geo)
        entry['sources'].append(path)
    kind = args.weights_kind
    if kind == 'auto':
        kind = 'pretrained' if 'geo_context' in states else 'converted'
    elif kind == 'converted' and 'geo_context' in states:
        raise CheckpointError(f'{", ".join(geo_files)}: has geo_context prototypes, which no official SkySense '
                              f'release has; this is our own pre-training: use --weights-kind pretrained')
    for path, key in report['ignored'][:10]:
        print(f'note: {path}: key {key} belongs to no exported module (pre-training part); ignored', file=sys.stderr)
    if len(report['ignored']) > 10:
        print(f'note: {len(report["ignored"]) - 10} more ignored keys', file=sys.stderr)
    for name in [m for m in states if args.modules and m not in args.modules.split(',')]:
        del states[name]  # a full checkpoint holds ~2 B values: keep only what will be exported
    provided = [m for m in MODULE_NAMES if m in states and not (m == 'fusion' and set(states[m]['state']) == {'ctpe'})]
    modules = asked or provided
    if not modules:
        raise CheckpointError(f'{", ".join(args.checkpoint)}: provides no SkySense module')
    for m in modules:
        if m == 'geo_context' and m not in states:
            raise CheckpointError('geo_context: no released SkySense checkpoint contains it (only ours from '
                                  'models/pretrain do); use --random-init')
        if m not in states:
            raise CheckpointError(f'{m}: none of the checkpoints ({", ".join(args.checkpoint)}) provides it')
        check_state(m, states[m]['state'], cfg, states[m]['sources'])
    files = sorted({p.split('=', 1)[1] if '=' in p and p.split('=', 1)[0] in MODULE_NAMES else p
                    for p in args.checkpoint})
    checkpoints = [{'file': os.path.basename(p), 'sha256': sha256(p)} for p in files]
    return cfg, modules, states, checkpoints, kind, meta


def our_extras(path, trust):
    """geo_context state and the 'meta' entry of a models/pretrain checkpoint. official_checkpoint
    reports the geo keys as ignored without keeping them, so the (small) file is read again."""
    obj = torch.load(path, map_location='cpu', weights_only=not trust)
    model = obj.get('model', obj) if isinstance(obj, dict) else {}
    geo = {k[len(GEO_PREFIX):]: v for k, v in model.items() if isinstance(k, str) and k.startswith(GEO_PREFIX)}
    meta = obj.get('meta') if isinstance(obj, dict) and isinstance(obj.get('meta'), dict) else None
    return geo, meta


def pretraining_note(meta):
    if not meta:
        return None
    parts = [f'{k} {meta[k]}' for k in ('config', 'steps', 'seed') if k in meta]
    text = 'Pre-training run: ' + ', '.join(parts) if parts else 'Pre-training run'
    return text + (f'; recipe: {meta["recipe"]}.' if meta.get('recipe') else '.')


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(2)
    try:
        cfg, modules, states, checkpoints, weights, meta = plan(args)
    except (UsageError, CheckpointError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 2
    os.makedirs(args.out, exist_ok=True)
    sizes = {'hr': args.hr_size, 's2': args.s2_size, 's1': args.s1_size}
    gen = torch.Generator().manual_seed(args.seed)
    specs, exports = {}, {}
    for name in modules:
        t0 = time.time()
        torch.manual_seed(args.seed)
        if name in states:
            module = build_module(cfg, name, init=False)
            module.load_state_dict(states.pop(name)['state'], strict=True)
        else:
            module = build_module(cfg, name)
        spec = module_spec(name, module.eval(), cfg, sizes)
        ex = export_module(spec, args.out, args.external_threshold)
        path = os.path.join(args.out, ex['file'])
        if args.fp16:
            fp16_name = f'{name}.fp16.onnx'
            ex['fp16ExternalDataFiles'] = write_fp16_copy(path, os.path.join(args.out, fp16_name),
                                                          args.external_threshold)
            ex['fp16File'] = fp16_name
        line = {'module': name, 'file': ex['file'], 'MB': round(ex['bytes'] / 1e6, 1), 'export_s': ex['seconds']}
        if not args.no_verify:
            try:
                worst, ms = verify(spec, path, gen)
            except (ort_node.OrtRunError, RuntimeError) as e:
                print(f'error: {e}', file=sys.stderr)
                return 1
            if worst > 1e-3:
                print(f'error: {path}: onnxruntime-node differs from PyTorch by {worst:.2e} (relative)', file=sys.stderr)
                return 1
            line.update(ort_max_rel_diff=float(f'{worst:.2e}'), ort_ms=round(ms, 1))
            if args.fp16:
                worst16, _ = verify(spec, os.path.join(args.out, ex['fp16File']), gen)
                if worst16 > 5e-2:
                    print(f'error: {ex["fp16File"]}: float16 weights move outputs by {worst16:.2e} (relative)',
                          file=sys.stderr)
                    return 1
                line['fp16_max_rel_diff'] = float(f'{worst16:.2e}')
        line['total_s'] = round(time.time() - t0, 2)
        print(json.dumps(line), flush=True)
        specs[name], exports[name] = spec, ex
        del module
    notes = ' '.join(t for t in (args.notes and args.notes.strip(), pretraining_note(meta)) if t) or None
    manifest = build_manifest(args.config, cfg, specs, exports, weights, checkpoints,
                              args.seed if args.random_init else None, args.name, args.title,
                              licence_weights=args.licence_weights, notes=notes)
    write_manifest(manifest, args.out)
    print(json.dumps({'manifest': os.path.join(args.out, 'manifest.json'), 'modules': list(specs)}))
    return 0


if __name__ == '__main__':
    sys.exit(main())
