"""PyTorch timings and FLOP counts for the model benchmark (test/bench/model-latency.bench.ts).

    time_ms(fn, repeat)   -> per-run wall milliseconds after one warm-up run
    matmul_flops(fn)      -> FLOPs of fn's matrix products and convolutions (torch.profiler's
                             own counts for conv2d / mm / addmm / bmm / baddbmm; elementwise
                             work is left out so the figure compares with a matmul peak)
"""
import time

import torch
from torch.profiler import profile

MATMUL_OPS = ('aten::conv2d', 'aten::mm', 'aten::addmm', 'aten::bmm', 'aten::baddbmm')


def time_ms(fn, repeat):
    with torch.no_grad():
        fn()
        out = []
        for _ in range(repeat):
            t = time.perf_counter()
            fn()
            out.append((time.perf_counter() - t) * 1000.0)
    return out


def matmul_flops(fn):
    with torch.no_grad(), profile(with_flops=True) as prof:
        fn()
    return int(sum(e.flops for e in prof.key_averages() if e.key in MATMUL_OPS))
