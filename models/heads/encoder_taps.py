"""The frozen encoder the heads are trained on: a model folder plus the checkpoint its ONNX files
were converted from, checked to be the same weights before any training.

API
    EncoderTaps.open(model_dir, checkpoint) -> EncoderTaps   raises HeadError (names the file)
        Reads <model_dir>/manifest.json, checks sha256(checkpoint) against the manifest's
        provenance.checkpoint[] record, loads the weights into the reference PyTorch model
        (models/eval/encoder.py FrozenSkySense.from_checkpoint).
    .manifest, .name, .model_dir
    .modality(mod) -> the manifest's modalities[mod] (bands, mean, std, ...)
    EncoderTaps.unchecked(model_dir, frozen) -> EncoderTaps without those checks (tests only)
    check_parity_once(enc, module, x): check_parity on the first real batch per module (skipped when unchecked)
    .module_for(mod) -> (module name, module spec): the encoder module of that modality
    .runner(module) -> run(x (B, C, H, W) normalised tensor) -> {tap name: tensor}: the taps under
        the ONNX output names of that module (feat_l0..l3, feat_s4..s32)
    .onnx_runner(module) -> the same, from the model folder's ONNX file in onnxruntime-node (slower:
        one node process per batch; used to check the Python side against the engine)
    .weights_sha256(module) -> sha256 of the module's ONNX file (recorded in each head manifest)
    .check_parity(module, x (B, C, H, W) float32, tol) -> max relative difference between the
        PyTorch taps and the model folder's ONNX file run in onnxruntime-node (the engine's
        runtime); HeadError above tol: then the checkpoint is not the one the ONNX came from.
"""
import hashlib
import json
from pathlib import Path

import numpy as np
import torch

from models.eval.encoder import EvalError, FrozenSkySense
from models.export import ort_node

from .errors import HeadError

PARITY_TOL = 2e-3


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, 'rb') as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b''):
            h.update(chunk)
    return h.hexdigest()


class EncoderTaps:
    def __init__(self, model_dir, manifest, frozen, checkpoint, checkpoint_sha, check_onnx=True):
        self.model_dir = Path(model_dir)
        self.check_onnx = check_onnx
        self.manifest = manifest
        self.name = manifest['name']
        self.frozen = frozen
        self.checkpoint = str(checkpoint)
        self.checkpoint_sha256 = checkpoint_sha
        self._sha = {}

    @classmethod
    def unchecked(cls, model_dir, frozen):
        """Any FrozenSkySense (e.g. FrozenSkySense.random()) on a model folder's manifest, without the
        checkpoint and ONNX checks: for tests of the training code, never for shipped heads."""
        manifest = json.loads((Path(model_dir) / 'manifest.json').read_text())
        return cls(model_dir, manifest, frozen, frozen.label, None, check_onnx=False)

    @classmethod
    def open(cls, model_dir, checkpoint, allow_mismatch=False):
        mpath = Path(model_dir) / 'manifest.json'
        if not mpath.is_file():
            raise HeadError(f'{mpath}: missing (pass a model folder made by models/convert.py)')
        try:
            manifest = json.loads(mpath.read_text())
        except json.JSONDecodeError as e:
            raise HeadError(f'{mpath}: not JSON ({e})') from None
        if manifest.get('kind') != 'encoder' or not isinstance(manifest.get('modules'), dict):
            raise HeadError(f'{mpath}: not an encoder model folder (kind {manifest.get("kind")!r})')
        if not Path(checkpoint).is_file():
            raise HeadError(f'{checkpoint}: no such checkpoint file')
        sha = sha256_file(checkpoint)
        recorded = [c.get('sha256') for c in (manifest.get('provenance') or {}).get('checkpoint') or []]
        if sha not in recorded and not allow_mismatch:
            raise HeadError(f'{checkpoint}: sha256 {sha[:16]}... is not the checkpoint {mpath} records '
                            f'({", ".join(s[:16] + "..." for s in recorded if s) or "none recorded"}); heads must be trained on the '
                            f'weights the ONNX files hold (--allow-checkpoint-mismatch skips this check; the ONNX parity check still runs)')
        try:
            frozen = FrozenSkySense.from_checkpoint(checkpoint, config=manifest.get('config'))
        except EvalError as e:
            raise HeadError(str(e)) from None
        return cls(model_dir, manifest, frozen, checkpoint, sha)

    def modality(self, mod):
        m = (self.manifest.get('modalities') or {}).get(mod)
        if m is None:
            raise HeadError(f'{self.model_dir / "manifest.json"}: no "{mod}" modality')
        return m

    def module_for(self, mod):
        for name, spec in self.manifest['modules'].items():
            if spec.get('role') == 'encoder' and spec.get('modality') == mod:
                return name, spec
        raise HeadError(f'{self.model_dir / "manifest.json"}: no {mod} encoder module')

    def runner(self, module):
        spec = self.manifest['modules'][module]
        names = [o['name'] for o in spec['outputs']]
        net = getattr(self.frozen.model, module, None)
        if net is None:
            raise HeadError(f'checkpoint model has no module {module}')

        def run(x):
            outs = net(x)
            if len(outs) != len(names):
                raise HeadError(f'{module}: PyTorch gives {len(outs)} outputs, the manifest names {len(names)}')
            return dict(zip(names, outs))
        return run

    def onnx_runner(self, module):
        spec = self.manifest['modules'][module]
        path = str(self.model_dir / spec['file'])

        def run(x):
            try:
                got, _ = ort_node.run(path, {spec['inputs'][0]['name']: np.ascontiguousarray(x.numpy(), dtype=np.float32)})
            except ort_node.OrtRunError as e:
                raise HeadError(str(e)) from None
            return {o['name']: torch.from_numpy(got[o['name']]) for o in spec['outputs']}
        return run

    def weights_sha256(self, module):
        if module not in self._sha:
            self._sha[module] = sha256_file(self.model_dir / self.manifest['modules'][module]['file'])
        return self._sha[module]

    def check_parity(self, module, x, tol=PARITY_TOL):
        spec = self.manifest['modules'][module]
        onnx_path = self.model_dir / spec['file']
        x = np.ascontiguousarray(x, dtype=np.float32)
        with torch.no_grad():
            ref = {k: v.numpy() for k, v in self.runner(module)(torch.from_numpy(x)).items()}
        try:
            got, _ = ort_node.run(str(onnx_path), {spec['inputs'][0]['name']: x})
        except ort_node.OrtRunError as e:
            raise HeadError(str(e)) from None
        worst = 0.0
        for name, r in ref.items():
            if name not in got or got[name].shape != r.shape:
                raise HeadError(f'{onnx_path}: output {name} missing or shaped {getattr(got.get(name), "shape", None)}, PyTorch {r.shape}')
            worst = max(worst, float(np.abs(got[name] - r).max() / (np.abs(r).max() + 1e-6)))
        if worst > tol:
            raise HeadError(f'{onnx_path}: taps differ from the checkpoint {self.checkpoint} by {worst:.2e} (relative, > {tol}); '
                            f'the ONNX was not converted from this checkpoint')
        return worst


def check_parity_once(enc, module, x):
    """check_parity on the first real batch a task meets; later calls for the module are free."""
    done = enc.__dict__.setdefault('_parity', {})
    if module not in done and enc.check_onnx:
        done[module] = enc.check_parity(module, x)
    return done.get(module)
