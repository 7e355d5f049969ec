"""Writes a test head folder (head.onnx + manifest.json) with fixed, meaningful weights, so a
test can compute the expected classes itself from the encoder's features (the embed task's
output). Exported with torch.onnx like a trained head; every head is a 1x1 linear map:

  conv1x1      one input x:        logits = W x + b           (per cell)
  diff         inputs a, b:         logits = W (b - a) + b0    (per cell; change heads)
  pool_linear  one input x:        logits = W mean_hw(x) + b  (per tile; classify heads)

Usage: make-head.py SPEC.json   where SPEC = {"out": dir, "net": kind, "weights": [[k, c, w], ...],
"bias": [K floats], "manifest": {... the head manifest, written as given ...}}. Input and output
names and dynamic axes come from the manifest.
"""
import json
import os
import sys

import torch


class Head(torch.nn.Module):
    def __init__(self, net, k, c, weights, bias):
        super().__init__()
        self.net = net
        w = torch.zeros(k, c)
        for kk, cc, v in weights:
            w[kk, cc] = v
        self.register_buffer('w', w)
        self.register_buffer('b', torch.tensor(bias, dtype=torch.float32))

    def forward(self, *xs):
        if self.net == 'diff':
            x = xs[1] - xs[0]
        else:
            x = xs[0]
        if self.net == 'pool_linear':
            return x.mean(dim=(2, 3)) @ self.w.t() + self.b
        return torch.einsum('kc,nchw->nkhw', self.w, x) + self.b.view(1, -1, 1, 1)


def main():
    spec = json.load(open(sys.argv[1]))
    m = spec['manifest']
    k = len(spec['bias'])
    c = m['inputs'][0]['shape'][1]
    head = Head(spec['net'], k, c, spec['weights'], spec['bias']).eval()
    dummy = tuple(torch.randn(1, c, 4, 4) for _ in m['inputs'])
    axes = {}
    for t in m['inputs'] + m['outputs']:
        named = {i: d for i, d in enumerate(t['shape']) if isinstance(d, str)}
        if named:
            axes[t['name']] = named
    os.makedirs(spec['out'], exist_ok=True)
    torch.onnx.export(head, dummy, os.path.join(spec['out'], m['file']), opset_version=17,
                      input_names=[t['name'] for t in m['inputs']], output_names=[t['name'] for t in m['outputs']],
                      dynamic_axes=axes)
    with open(os.path.join(spec['out'], 'manifest.json'), 'w') as fh:
        json.dump(m, fh, indent=2)


if __name__ == '__main__':
    main()
