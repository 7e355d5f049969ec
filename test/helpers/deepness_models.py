"""Makes the ONNX files the Deepness and detect tests need, at test time (Debian's python3-onnx
and python3-torch; nothing is downloaded). One JSON spec on argv[1]:

  {"op": "variant", "src": path, "dst": path, "dynamic_hw": bool, "metadata": {key: raw value}}
      A copy of a staged Deepness model with its metadata_props replaced (raw strings, written
      as given, so a test can store the JSON-quoted form or a broken one) and, with
      dynamic_hw, the input's and outputs' height/width made symbolic ("H", "W"): the dummy
      graphs are pointwise, so they run at any tile size.
  {"op": "two_inputs", "dst": path}       a graph with two image inputs (Add).
  {"op": "non_square", "dst": path}       input [1, 3, 512, 256].
  {"op": "yolo", "dst": path, "format": "v5" | "ultralytics" | "obb", "tile": int, "cell": int,
   "angle": float, "metadata": {...}}
      A YOLO-layout detector that finds the painted strokes of dummy_fotomap_small.tif: the tile
      is cut into cell x cell squares; a pixel is "red" when R > 0.6, G < 0.4, B < 0.4 (after
      /255), likewise green and blue; each square is one candidate box (the square itself,
      centre and size in tile pixels) whose class scores are the fractions of its pixels of
      each colour. v5: [1, N, 5 + 3] with objectness = the largest fraction; ultralytics:
      [1, 4 + 3, N]; obb: [1, 4 + 3 + 1, N] with a constant angle (radians, Ultralytics'
      clockwise-on-image convention). Fixed batch 1, as Deepness detectors are.
  {"op": "detect_head", "dir": path, "features": path, "labels": path, "channels": int,
   "box": float, "angle": float | null, "manifest": {...}}
      A SkySense detect head fitted here: logistic regression (torch, LBFGS) of per-cell labels
      (float32 file, one 0/1 per cell) on per-cell features (float32, cells x channels); scores
      = that 1x1 linear map, boxes = constant (dx = dy = 0, w = h = box[, angle]).
      Writes head.onnx and manifest.json (the given manifest, with the fit's metrics added).
Prints a JSON line with what it made.
"""
import json
import sys

import numpy as np
import onnx
from onnx import helper, TensorProto


def set_metadata(model, metadata):
    del model.metadata_props[:]
    for k, v in metadata.items():
        e = model.metadata_props.add()
        e.key = k
        e.value = v


def make_variant(spec):
    m = onnx.load(spec['src'])
    if spec.get('dynamic_hw'):
        for vi in list(m.graph.input) + list(m.graph.output):
            dims = vi.type.tensor_type.shape.dim
            for i, name in ((len(dims) - 2, 'H'), (len(dims) - 1, 'W')):
                dims[i].ClearField('dim_value')
                dims[i].dim_param = name
    set_metadata(m, spec.get('metadata', {}))
    onnx.save(m, spec['dst'])
    return {'dst': spec['dst']}


def save_graph(nodes, inputs, outputs, dst, metadata=None):
    g = helper.make_graph(nodes, 'g', inputs, outputs)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid('', 13)])
    m.ir_version = 7
    if metadata:
        set_metadata(m, metadata)
    onnx.checker.check_model(m)
    onnx.save(m, dst)
    return {'dst': dst}


def two_inputs(spec):
    t = lambda n: helper.make_tensor_value_info(n, TensorProto.FLOAT, [1, 3, 64, 64])
    return save_graph([helper.make_node('Add', ['a', 'b'], ['y'])], [t('a'), t('b')], [t('y')], spec['dst'], {'model_type': '"Segmentor"'})


def non_square(spec):
    x = helper.make_tensor_value_info('x', TensorProto.FLOAT, [1, 3, 512, 256])
    y = helper.make_tensor_value_info('y', TensorProto.FLOAT, [1, 3, 512, 256])
    return save_graph([helper.make_node('Identity', ['x'], ['y'])], [x], [y], spec['dst'], {'model_type': '"Segmentor"'})


def yolo(spec):
    import torch

    tile, cell, fmt = spec['tile'], spec['cell'], spec['format']
    angle = float(spec.get('angle', 0.0))
    n_side = tile // cell
    centres = (torch.arange(n_side, dtype=torch.float32) + 0.5) * cell
    cy, cx = torch.meshgrid(centres, centres, indexing='ij')
    geo = torch.stack([cx.reshape(-1), cy.reshape(-1), torch.full((n_side * n_side,), float(cell)), torch.full((n_side * n_side,), float(cell))], 1)

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer('geo', geo)

        def forward(self, x):
            r, g, b = x[:, 0:1], x[:, 1:2], x[:, 2:3]
            hi = lambda c: (c > 0.6).float()
            lo = lambda c: (c < 0.4).float()
            masks = torch.cat([hi(r) * lo(g) * lo(b), lo(r) * hi(g) * lo(b), lo(r) * lo(g) * hi(b)], 1)
            frac = torch.nn.functional.avg_pool2d(masks, cell)  # [1, 3, n, n]
            cls = frac.flatten(2).transpose(1, 2)  # [1, N, 3]
            geo = self.geo.unsqueeze(0)
            if fmt == 'v5':
                obj = cls.max(dim=2, keepdim=True).values
                return torch.cat([geo, obj, cls], 2)
            cols = [geo, cls]
            if fmt == 'obb':
                cols.append(torch.full_like(cls[:, :, :1], angle))
            return torch.cat(cols, 2).transpose(1, 2)

    net = Net().eval()
    torch.onnx.export(net, torch.zeros(1, 3, tile, tile), spec['dst'], input_names=['images'], output_names=['output0'], opset_version=13)
    m = onnx.load(spec['dst'])
    set_metadata(m, spec.get('metadata', {}))
    onnx.save(m, spec['dst'])
    return {'dst': spec['dst'], 'candidates': n_side * n_side}


def detect_head(spec):
    import os
    import torch

    c = spec['channels']
    x = torch.from_numpy(np.fromfile(spec['features'], dtype=np.float32).reshape(-1, c).copy())
    y = torch.from_numpy(np.fromfile(spec['labels'], dtype=np.float32).copy())
    torch.manual_seed(0)
    lin = torch.nn.Linear(c, 1)
    pos = float(y.sum())
    weight = torch.tensor((len(y) - pos) / max(pos, 1.0))
    opt = torch.optim.LBFGS(lin.parameters(), max_iter=200, line_search_fn='strong_wolfe')
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=weight)

    def closure():
        opt.zero_grad()
        loss = loss_fn(lin(x).squeeze(1), y) + 1e-4 * lin.weight.pow(2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    with torch.no_grad():
        pred = (lin(x).squeeze(1) > 0).float()
    tp = float((pred * y).sum())
    precision = tp / max(float(pred.sum()), 1.0)
    recall = tp / max(pos, 1.0)
    box = float(spec['box'])
    ang = spec.get('angle')
    nb = 4 if ang is None else 5

    class Head(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.w = torch.nn.Parameter(lin.weight.detach().view(1, c, 1, 1).clone())
            self.b = torch.nn.Parameter(lin.bias.detach().clone())
            consts = [0.0, 0.0, box, box] + ([] if ang is None else [float(ang)])
            self.register_buffer('k', torch.tensor(consts, dtype=torch.float32).view(1, nb, 1, 1))

        def forward(self, feat):
            scores = torch.nn.functional.conv2d(feat, self.w, self.b)
            boxes = self.k + 0.0 * feat[:, :1]
            return scores, boxes

    os.makedirs(spec['dir'], exist_ok=True)
    onnx_path = os.path.join(spec['dir'], 'head.onnx')
    torch.onnx.export(
        Head().eval(),
        torch.zeros(1, c, 16, 16),
        onnx_path,
        input_names=['feat'],
        output_names=['scores', 'boxes'],
        dynamic_axes={'feat': {0: 'batch', 2: 'h', 3: 'w'}, 'scores': {0: 'batch', 2: 'h', 3: 'w'}, 'boxes': {0: 'batch', 2: 'h', 3: 'w'}},
        opset_version=13,
    )
    manifest = spec['manifest']
    manifest['training']['metrics'] = {'precision': round(precision, 4), 'recall': round(recall, 4)}
    manifest['training']['samples'] = int(len(y))
    with open(os.path.join(spec['dir'], 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=2)
    return {'dir': spec['dir'], 'precision': precision, 'recall': recall, 'positives': pos}


OPS = {'variant': make_variant, 'two_inputs': two_inputs, 'non_square': non_square, 'yolo': yolo, 'detect_head': detect_head}

if __name__ == '__main__':
    spec = json.load(open(sys.argv[1]))
    print(json.dumps(OPS[spec['op']](spec)))
