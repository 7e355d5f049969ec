"""A trained head -> its folder (head.onnx + manifest.json), checked before it replaces anything.

API
    export_head(build: HeadBuild, enc: EncoderTaps, out_root) -> {'folder', 'bytes', 'onnxMaxDiff', ...}
        1. torch.onnx.export, opset 17, dynamic batch and spatial axes (the manifest's strings)
        2. graph input/output shapes set to the manifest's, then onnx.checker.check_model
        3. the graph run in onnxruntime-node (the engine's runtime) on one real batch of taps and on
           a second, differently sized one, compared with PyTorch (HeadError above ONNX_TOL)
        4. the manifest checked against the agreed contract (manifest.problems)
        5. written under a temporary folder name in out_root, then renamed over the old folder
    MAX_FOLDER_BYTES: a stock head must stay small (2 MB)
"""
import json
import os
import shutil
import tempfile
import warnings
from pathlib import Path

import numpy as np
import onnx
import torch

from models.export import ort_node

from .errors import HeadError
from .manifest import head_manifest, problems, utc_now

OPSET = 17
ONNX_TOL = 1e-4
MAX_FOLDER_BYTES = 2_000_000


class _Wrap(torch.nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, *x):
        return self.net(*x)


def _dynamic_axes(specs):
    return {s['name']: {i: d for i, d in enumerate(s['shape']) if isinstance(d, str)} for s in specs}


def _declare_shapes(model, build):
    """Graph inputs/outputs declare exactly the manifest's shapes: the exporter leaves a symbolic
    name where its shape inference gives up (e.g. the class axis after Resize + Add)."""
    specs = {s['name']: s['shape'] for s in build.inputs + build.outputs}
    for v in list(model.graph.input) + list(model.graph.output):
        dims = v.type.tensor_type.shape.dim
        shape = specs[v.name]
        if len(dims) != len(shape):
            raise HeadError(f'{build.name}: ONNX {v.name} has {len(dims)} axes, the manifest {len(shape)}')
        for d, want in zip(dims, shape):
            if isinstance(want, str):
                d.dim_param = want
            else:
                d.dim_value = want


def _torch_out(net, batch):
    with torch.no_grad():
        return net(*[torch.from_numpy(np.ascontiguousarray(b)) for b in batch]).numpy()


def _compare(path, net, build, batch):
    feeds = {s['name']: np.ascontiguousarray(b, dtype=np.float32) for s, b in zip(build.inputs, batch)}
    try:
        got, _ = ort_node.run(str(path), feeds)
    except ort_node.OrtRunError as e:
        raise HeadError(str(e)) from None
    ref = _torch_out(net, batch)
    out = got[build.outputs[0]['name']]
    if out.shape != ref.shape:
        raise HeadError(f'{build.name}: ONNX output {out.shape}, PyTorch {ref.shape} for inputs {[b.shape for b in batch]}')
    return float(np.abs(out - ref).max() / (np.abs(ref).max() + 1e-6))


def export_head(build, enc, out_root):
    out_root = Path(out_root)
    out_root.mkdir(parents=True, exist_ok=True)
    net = _Wrap(build.net).eval()
    tmp = Path(tempfile.mkdtemp(prefix=f'.{build.name}.tmp-', dir=out_root))
    try:
        onnx_path = tmp / 'head.onnx'
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')  # tracer warnings on shape comparisons that are structural here
            torch.onnx.export(net, tuple(torch.from_numpy(np.ascontiguousarray(b)) for b in build.example), str(onnx_path),
                              opset_version=OPSET, input_names=[s['name'] for s in build.inputs],
                              output_names=[s['name'] for s in build.outputs],
                              dynamic_axes=_dynamic_axes(build.inputs + build.outputs), do_constant_folding=True)
        model = onnx.load(str(onnx_path))
        _declare_shapes(model, build)
        onnx.save(model, str(onnx_path))
        onnx.checker.check_model(model, full_check=True)
        if model.opset_import[0].version != OPSET:
            raise HeadError(f'{onnx_path}: opset {model.opset_import[0].version}, expected {OPSET}')
        diffs = [_compare(onnx_path, net, build, b) for b in (build.example, build.example_small)]
        if max(diffs) > ONNX_TOL:
            raise HeadError(f'{build.name}: ONNX and PyTorch outputs differ by {max(diffs):.2e} (relative, > {ONNX_TOL})')
        manifest = head_manifest(
            name=build.name, title=build.title, task=build.task,
            encoder={'name': enc.name, 'modality': build.modality, 'module': build.module,
                     'weightsSha256': enc.weights_sha256(build.module)},
            inputs=build.inputs, outputs=build.outputs, activation=build.activation, threshold=build.threshold,
            classes=build.classes, tile=build.tile, training={**build.training, 'created': utc_now()},
            licence={'code': 'Apache-2.0', 'weights': build.weights_licence})
        bad = problems(manifest)
        if bad:
            raise HeadError(f'{build.name}: manifest breaks the head contract: ' + '; '.join(bad))
        with open(tmp / 'manifest.json', 'w') as fh:
            json.dump(manifest, fh, indent=2)
            fh.write('\n')
        size = sum(p.stat().st_size for p in tmp.iterdir())
        if size > MAX_FOLDER_BYTES:
            raise HeadError(f'{build.name}: folder is {size} bytes, over the {MAX_FOLDER_BYTES} limit for a stock head')
        os.chmod(tmp, 0o755)
        final = out_root / build.name
        old = None
        if final.exists():
            old = out_root / f'.{build.name}.old-{os.getpid()}'
            os.rename(final, old)
        os.rename(tmp, final)
        if old is not None:
            shutil.rmtree(old)
        return {'folder': str(final), 'bytes': size, 'onnxMaxDiff': max(diffs), 'manifest': manifest}
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
