"""Run an ONNX file in onnxruntime-node from Python (no Python onnxruntime here; the application
uses the node binding, so this is also the runtime that matters).

API
    run(onnx_path, inputs: {name: np.ndarray float32|int64}, repeat=1, timeout=600)
        -> (outputs {name: np.ndarray}, info {'ms': [...], 'loadMs': float})
    Raises OrtRunError with node's stderr when the session cannot load or run.
"""
import json
import os
import subprocess
import tempfile

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(REPO, 'models', 'export', 'ort_run.mjs')


class OrtRunError(RuntimeError):
    pass


def run(onnx_path, inputs, repeat=1, timeout=600):
    with tempfile.TemporaryDirectory(prefix='ort-io-') as io:
        specs = []
        for i, (name, arr) in enumerate(inputs.items()):
            arr = np.ascontiguousarray(arr)
            dtype = {'float32': 'float32', 'int64': 'int64'}.get(str(arr.dtype))
            if dtype is None:
                raise ValueError(f'input {name}: dtype {arr.dtype} not supported (float32, int64)')
            f = f'in_{i}.bin'
            arr.tofile(os.path.join(io, f))
            specs.append({'name': name, 'dtype': dtype, 'dims': list(arr.shape), 'file': f})
        with open(os.path.join(io, 'inputs.json'), 'w') as fh:
            json.dump(specs, fh)
        p = subprocess.run(['node', SCRIPT, os.path.abspath(onnx_path), io, str(repeat)], cwd=REPO,
                           capture_output=True, text=True, timeout=timeout)
        if p.returncode != 0:
            raise OrtRunError(f'{onnx_path}: onnxruntime-node failed: {p.stderr.strip()[-2000:]}')
        with open(os.path.join(io, 'outputs.json')) as fh:
            res = json.load(fh)
        outs = {}
        for o in res['outputs']:
            dt = np.int64 if o['dtype'] == 'int64' else np.float32
            outs[o['name']] = np.fromfile(os.path.join(io, o['file']), dtype=dt).reshape(o['dims'])
        return outs, {'ms': res['ms'], 'loadMs': res['loadMs']}
