"""Measured fp32 matrix-multiply peak of this CPU, for reading the benchmark's GFLOP/s against.

    /usr/bin/python3 -m models.parity.matmul_peak --out DIR [--n 2048] [--repeat 10] [--threads 2]

Times torch.mm on two n x n float32 matrices (2 n^3 FLOPs each) and writes DIR/matmul.onnx (one
MatMul node; input a, and b as a weight initializer so ORT pre-packs it as it does a model's
weights) so test/bench/model-latency.bench.ts can time the same product in onnxruntime-node. Prints one JSON line: {"n", "threads", "ms": [...], "bestGflops", "onnx"}.
"""
import argparse
import json
import os
import sys

import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if REPO not in sys.path:
    sys.path.insert(0, REPO)

from models.parity.timing import time_ms  # noqa: E402


def write_matmul_onnx(path, b):
    n = b.shape[0]
    g = helper.make_graph(
        [helper.make_node('MatMul', ['a', 'b'], ['c'])], 'matmul',
        [helper.make_tensor_value_info('a', TensorProto.FLOAT, [n, n])],
        [helper.make_tensor_value_info('c', TensorProto.FLOAT, [n, n])],
        [numpy_helper.from_array(b.numpy(), 'b')])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid('', 17)])
    m.ir_version = 8
    onnx.checker.check_model(m)
    onnx.save(m, path + '.tmp')
    os.replace(path + '.tmp', path)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--out', required=True)
    ap.add_argument('--n', type=int, default=2048)
    ap.add_argument('--repeat', type=int, default=20)
    ap.add_argument('--threads', type=int, default=2)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    gen = torch.Generator().manual_seed(0)
    a = torch.randn(args.n, args.n, generator=gen)
    b = torch.randn(args.n, args.n, generator=gen)
    ms = time_ms(lambda: torch.mm(a, b), args.repeat)
    best = 2 * args.n ** 3 / (min(ms) / 1000) / 1e9
    path = os.path.join(args.out, 'matmul.onnx')
    write_matmul_onnx(path, b)
    print(json.dumps({'n': args.n, 'threads': torch.get_num_threads(), 'ms': [round(v, 2) for v in ms],
                      'bestGflops': round(best, 2), 'onnx': path}))
    return 0


if __name__ == '__main__':
    sys.exit(main())
