"""The head manifest (the contract with the engine, which reads it in main/model/head-manifest.ts) and its checks.

API
    NAME_RE                             folder-safe id, the model-name pattern of manifest.schema.json
    head_manifest(**fields) -> dict     the manifest in the agreed key order
    problems(manifest) -> [str]         every way it breaks the contract ('path: problem'); empty = valid
    utc_now() -> 'YYYY-MM-DDTHH:MM:SSZ' (SOURCE_DATE_EPOCH when set, for reproducible folders)
The checks cover what the engine relies on: kinds, tensor shapes (dynamic axes as strings),
strides, activation vs. channel count vs. classes, change heads' two dates of one tap, colours.
"""
import os
import re
import time

NAME_RE = re.compile(r'^[a-z0-9][a-z0-9._-]{0,63}$')
COLOR_RE = re.compile(r'^#[0-9a-f]{6}$')
SHA_RE = re.compile(r'^[0-9a-f]{64}$')
TASKS = ('segment', 'change', 'classify', 'detect')
TRAINING_KEYS = ('data', 'licence', 'samples', 'epochs', 'script', 'metrics', 'evaluatedOn', 'created')


def utc_now():
    t = int(os.environ.get('SOURCE_DATE_EPOCH') or time.time())
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(t))


def head_manifest(name, title, task, encoder, inputs, outputs, activation, classes, training, licence,
                  threshold=None, tile=None, file='head.onnx'):
    m = {'schemaVersion': 1, 'kind': 'head', 'name': name, 'title': title, 'task': task, 'encoder': encoder,
         'file': file, 'inputs': inputs, 'outputs': outputs, 'activation': activation}
    if threshold is not None:
        m['threshold'] = threshold
    m['classes'] = classes
    if tile is not None:
        m['tile'] = tile
    m['training'] = training
    m['licence'] = licence
    return m


def _shape_ok(shape, n_dims):
    return (isinstance(shape, list) and len(shape) == n_dims and shape[0] == 'batch'
            and all(isinstance(d, str) or (isinstance(d, int) and d > 0) for d in shape))


def problems(m):
    errs = []

    def need(cond, msg):
        if not cond:
            errs.append(msg)
        return cond

    if not need(isinstance(m, dict), 'manifest: expected an object'):
        return errs
    allowed = {'schemaVersion', 'kind', 'name', 'title', 'task', 'encoder', 'file', 'inputs', 'outputs',
               'activation', 'threshold', 'classes', 'tile', 'training', 'licence'}
    for k in sorted(set(m) - allowed):
        errs.append(f'{k}: not a head manifest field')
    need(m.get('schemaVersion') == 1, 'schemaVersion: must be 1')
    need(m.get('kind') == 'head', 'kind: must be "head"')
    need(isinstance(m.get('name'), str) and NAME_RE.match(m['name']) is not None, 'name: must match ' + NAME_RE.pattern)
    need(isinstance(m.get('title'), str) and m['title'].strip() != '', 'title: non-empty string')
    task = m.get('task')
    need(task in TASKS, f'task: one of {TASKS}')
    enc = m.get('encoder')
    if need(isinstance(enc, dict), 'encoder: object'):
        need(isinstance(enc.get('name'), str) and NAME_RE.match(enc['name'] or '') is not None, 'encoder.name: model name')
        need(enc.get('modality') in ('hr', 's2', 's1'), 'encoder.modality: hr, s2 or s1')
        need(isinstance(enc.get('module'), str) and enc['module'] != '', 'encoder.module: module name')
        sha = enc.get('weightsSha256')
        need(sha is None or (isinstance(sha, str) and SHA_RE.match(sha)), 'encoder.weightsSha256: 64 hex digits or null')
    need(isinstance(m.get('file'), str) and m['file'].endswith('.onnx') and '/' not in m['file'], 'file: an .onnx file name in the folder')

    inputs = m.get('inputs')
    if need(isinstance(inputs, list) and len(inputs) > 0, 'inputs: non-empty list'):
        for i, s in enumerate(inputs):
            p = f'inputs[{i}]'
            if not need(isinstance(s, dict), f'{p}: object'):
                continue
            need(isinstance(s.get('name'), str) and s['name'] != '', f'{p}.name: string')
            need(s.get('dtype') == 'float32', f'{p}.dtype: float32')
            need(_shape_ok(s.get('shape'), 4) and isinstance(s['shape'][1], int), f'{p}.shape: ["batch", channels, h, w]')
            need(isinstance(s.get('tap'), str) and s['tap'] != '', f'{p}.tap: encoder output name')
            need('date' not in s or s['date'] in ('a', 'b'), f'{p}.date: "a" or "b"')
        names = [s.get('name') for s in inputs if isinstance(s, dict)]
        need(len(set(names)) == len(names), 'inputs: names must be unique')
        if task == 'change':
            dates = sorted(str(s.get('date')) for s in inputs if isinstance(s, dict))
            need(dates == ['a', 'b'], 'inputs: a change head takes two inputs, date "a" and date "b"')
            need(len({s.get('tap') for s in inputs if isinstance(s, dict)}) == 1, 'inputs: both dates read the same tap')

    classes = m.get('classes')
    values = []
    if need(isinstance(classes, list) and len(classes) > 0, 'classes: non-empty list'):
        for i, c in enumerate(classes):
            p = f'classes[{i}]'
            if not need(isinstance(c, dict), f'{p}: object'):
                continue
            v = c.get('value')
            need(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 254, f'{p}.value: integer 0..254 (255 is nodata)')
            values.append(v)
            need(isinstance(c.get('name'), str) and c['name'] != '', f'{p}.name: string')
            need(isinstance(c.get('color'), str) and COLOR_RE.match(c['color']) is not None, f'{p}.color: "#rrggbb" (lower case)')
        need(len(set(values)) == len(values), 'classes: values must be unique')

    act = m.get('activation')
    need(act in ('softmax', 'sigmoid'), 'activation: softmax or sigmoid')
    th = m.get('threshold')
    need(th is None or (isinstance(th, (int, float)) and 0 < th < 1), 'threshold: number in (0, 1)')
    outputs = m.get('outputs')
    if need(isinstance(outputs, list) and len(outputs) > 0, 'outputs: non-empty list') and isinstance(classes, list):
        for i, o in enumerate(outputs):
            p = f'outputs[{i}]'
            if not need(isinstance(o, dict), f'{p}: object'):
                continue
            need(isinstance(o.get('name'), str) and o['name'] != '', f'{p}.name: string')
            need(o.get('dtype') == 'float32', f'{p}.dtype: float32')
        o = outputs[0] if isinstance(outputs[0], dict) else {}
        binary = act == 'sigmoid' and sorted(values) == [0, 1] and task in ('segment', 'change')
        k_expected = 1 if binary else len(classes)
        if task in ('segment', 'change'):
            if need(_shape_ok(o.get('shape'), 4), f'outputs[0].shape: ["batch", K, h, w]'):
                need(o['shape'][1] == k_expected, f'outputs[0].shape[1]: {o["shape"][1]} channels, expected {k_expected} '
                     f'({"binary sigmoid: 1" if binary else "one per class"})')
            need(isinstance(o.get('stride'), (int, float)) and o['stride'] > 0, 'outputs[0].stride: the tap stride in input pixels')
            need(len(outputs) == 1, 'outputs: one output for segment/change heads')
        elif task == 'classify':
            if need(_shape_ok(o.get('shape'), 2), 'outputs[0].shape: ["batch", K]'):
                need(o['shape'][1] == len(classes), f'outputs[0].shape[1]: {o["shape"][1]}, expected {len(classes)} (one per class)')
            need('stride' not in o, 'outputs[0].stride: none for a classify head')
        elif task == 'detect':
            by = {x.get('name'): x for x in outputs if isinstance(x, dict)}
            need(set(by) == {'scores', 'boxes'}, 'outputs: "scores" and "boxes"')
            if 'scores' in by and _shape_ok(by['scores'].get('shape'), 4):
                need(by['scores']['shape'][1] == len(classes), 'outputs.scores: one channel per class')
            if 'boxes' in by and _shape_ok(by['boxes'].get('shape'), 4):
                need(by['boxes']['shape'][1] in (4, 5), 'outputs.boxes: 4 or 5 channels')
            need(all(isinstance(x.get('stride'), (int, float)) for x in by.values()), 'outputs: stride on scores and boxes')
        if task in ('change',) or (task == 'segment' and act == 'sigmoid'):
            need(binary, 'sigmoid segment/change heads are binary: classes with values 0 and 1')

    tile = m.get('tile')
    if tile is not None and need(isinstance(tile, dict), 'tile: object'):
        need(isinstance(tile.get('size'), int) and tile['size'] > 0, 'tile.size: positive integer')
        need(isinstance(tile.get('stride'), int) and 0 < tile.get('stride', 0) <= tile.get('size', 0), 'tile.stride: 1..size')

    tr = m.get('training')
    if need(isinstance(tr, dict), 'training: object'):
        for k in TRAINING_KEYS:
            need(k in tr, f'training.{k}: missing')
        need(isinstance(tr.get('metrics'), dict) and len(tr['metrics']) > 0
             and all(isinstance(v, (int, float)) for v in tr['metrics'].values()), 'training.metrics: {name: number}')
        need(isinstance(tr.get('samples'), int) and tr['samples'] > 0, 'training.samples: positive integer')
        need(isinstance(tr.get('created'), str) and re.match(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$', tr['created'] or '') is not None,
             'training.created: UTC ISO time')
    lic = m.get('licence')
    if need(isinstance(lic, dict), 'licence: object'):
        need(isinstance(lic.get('code'), str) and isinstance(lic.get('weights'), str), 'licence: {code, weights} strings')
    return errs
