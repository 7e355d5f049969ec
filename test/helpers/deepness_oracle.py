"""Independent expected output of a Deepness dummy segmentor that is a convolution followed by
Sigmoid or Softmax (the staged conv models): GDAL's Python bindings read the raster (already
on the model's grid, e.g. by gdalwarp), the onnx package gives the conv weights, torch runs the
convolution over the WHOLE raster at once (no tiles; a valid convolution, as the graph has no
padding), and the plugin's rule makes classes: values below the threshold set to 0, then
class 1 where non-zero (one channel) or the argmax (several).

Usage: deepness_oracle.py MODEL RASTER THRESHOLD OUT.raw
Writes OUT.raw: uint8 classes (H' x W', 255 nowhere), and OUT.raw.tie: uint8 1 where the
decision is within 1e-4 of flipping (float32 rounding may go either way there).
Prints {"width", "height", "border", "kernel", "activation"}.
"""
import json
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from osgeo import gdal


def main():
    model_path, raster, thr, out = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
    m = onnx.load(model_path)
    inits = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    conv = next(n for n in m.graph.node if n.op_type == 'Conv')
    w = torch.from_numpy(inits[conv.input[1]].astype(np.float32))
    b = torch.from_numpy(inits[conv.input[2]].astype(np.float32))
    ops = [n.op_type for n in m.graph.node]
    activation = 'Softmax' if 'Softmax' in ops else 'Sigmoid'
    ds = gdal.Open(raster)
    x = np.stack([ds.GetRasterBand(i + 1).ReadAsArray().astype(np.float32) for i in range(w.shape[1])]) / np.float32(255)
    with torch.no_grad():
        z = torch.nn.functional.conv2d(torch.from_numpy(x)[None], w, b)[0].double()
        p = torch.softmax(z, 0) if activation == 'Softmax' else torch.sigmoid(z)
    p = p.numpy()
    k = p.shape[0]
    eps = 1e-4
    if k == 1:
        cls = ((p[0] >= thr) & (p[0] != 0)).astype(np.uint8)
        tie = np.abs(p[0] - thr) < eps
    else:
        t = np.where(p < thr, 0, p)
        cls = np.argmax(t, 0).astype(np.uint8)
        s = np.sort(t, 0)
        tie = (np.abs(s[-1] - s[-2]) < eps) | np.any(np.abs(p - thr) < eps, 0)
    cls.tofile(out)
    tie.astype(np.uint8).tofile(out + '.tie')
    print(json.dumps({'width': int(cls.shape[1]), 'height': int(cls.shape[0]), 'border': int((w.shape[2] - 1) // 2), 'kernel': int(w.shape[2]), 'activation': activation}))


main()
