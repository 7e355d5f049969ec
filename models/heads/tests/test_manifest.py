"""The shipped head folders (models/skysense-tiny/heads/*) keep the agreed contract
(models/heads/manifest.py, read by the engine's main/model/head-manifest.ts): manifest fields, ONNX graph names/shapes/opset
as the manifest says, the encoder file they were trained on, size; and the checker itself
rejects broken manifests."""
import copy
import hashlib
import json
import os
import unittest
from pathlib import Path

import onnx

from models.export.schema_check import SCHEMA, validate_manifest
from models.heads.manifest import problems
from models.heads.tasks import TASKS

REPO = Path(__file__).resolve().parents[3]
MODEL = REPO / 'models' / 'skysense-tiny'
HEADS = MODEL / 'heads'


def head_dirs():
    return sorted(p for p in HEADS.iterdir() if p.is_dir() and not p.name.startswith('.')) if HEADS.is_dir() else []


def dims(value_info):
    return [d.dim_param or d.dim_value for d in value_info.type.tensor_type.shape.dim]


class ShippedHeadsTest(unittest.TestCase):
    def test_every_stock_head_is_there(self):
        self.assertEqual(sorted(p.name for p in head_dirs()), sorted(TASKS), f'{HEADS}: rerun python3 -m models.heads.train_all')

    def test_folders_keep_the_contract(self):
        encoder = json.loads((MODEL / 'manifest.json').read_text())
        for d in head_dirs():
            with self.subTest(head=d.name):
                m = json.loads((d / 'manifest.json').read_text())
                self.assertEqual(problems(m), [])
                self.assertEqual(m['name'], d.name)
                self.assertEqual(sorted(os.listdir(d)), sorted(['manifest.json', m['file']]))
                self.assertLess(sum(f.stat().st_size for f in d.iterdir()), 2_000_000)
                self.assertEqual(m['encoder']['name'], encoder['name'])
                spec = encoder['modules'][m['encoder']['module']]
                self.assertEqual(spec['modality'], m['encoder']['modality'])
                sha = hashlib.sha256((MODEL / spec['file']).read_bytes()).hexdigest()
                self.assertEqual(m['encoder']['weightsSha256'], sha,
                                 f'{d}: trained on another {spec["file"]}; rerun python3 -m models.heads.train_all')
                taps = {o['name']: o for o in spec['outputs']}
                for i in m['inputs']:
                    self.assertIn(i['tap'], taps)
                    self.assertEqual(i['shape'][1], taps[i['tap']]['channels'])
                for o in m['outputs']:
                    if 'stride' in o:
                        self.assertIn(o['stride'], [taps[i['tap']]['stride'] for i in m['inputs']])
                g = onnx.load(str(d / m['file']))
                onnx.checker.check_model(g)
                self.assertEqual(g.opset_import[0].version, 17)
                self.assertEqual([(v.name, dims(v)) for v in g.graph.input], [(i['name'], i['shape']) for i in m['inputs']])
                self.assertEqual([(v.name, dims(v)) for v in g.graph.output], [(o['name'], o['shape']) for o in m['outputs']])

    def test_against_the_json_schema_once_it_knows_heads(self):
        text = Path(SCHEMA).read_text()
        if '"activation"' not in text:
            self.skipTest('models/manifest.schema.json has no head fields yet (checked by manifest.problems meanwhile)')
        for d in head_dirs():
            with self.subTest(head=d.name):
                self.assertEqual(validate_manifest(json.loads((d / 'manifest.json').read_text())), [])


class CheckerTest(unittest.TestCase):
    GOOD = {
        'schemaVersion': 1, 'kind': 'head', 'name': 'x-change', 'title': 'x', 'task': 'change',
        'encoder': {'name': 'skysense-tiny', 'modality': 's2', 'module': 's2_encoder', 'weightsSha256': None},
        'file': 'head.onnx',
        'inputs': [{'name': 'feat_a', 'dtype': 'float32', 'shape': ['batch', 128, 'h', 'w'], 'tap': 'feat_l3', 'date': 'a'},
                   {'name': 'feat_b', 'dtype': 'float32', 'shape': ['batch', 128, 'h', 'w'], 'tap': 'feat_l3', 'date': 'b'}],
        'outputs': [{'name': 'logits', 'dtype': 'float32', 'shape': ['batch', 1, 'h', 'w'], 'stride': 4}],
        'activation': 'sigmoid', 'threshold': 0.5,
        'classes': [{'value': 0, 'name': 'no', 'color': '#000000'}, {'value': 1, 'name': 'yes', 'color': '#ff0000'}],
        'training': {'data': 'd', 'licence': 'l', 'samples': 3, 'epochs': 1, 'script': 's', 'metrics': {'f1': 0.1},
                     'evaluatedOn': 'e', 'created': '2026-01-01T00:00:00Z'},
        'licence': {'code': 'Apache-2.0', 'weights': 'w'},
    }

    def broken(self, edit):
        m = copy.deepcopy(self.GOOD)
        edit(m)
        return problems(m)

    def test_good_passes_and_each_break_is_caught(self):
        self.assertEqual(problems(self.GOOD), [])
        cases = {
            'two-channel binary': lambda m: m['outputs'][0]['shape'].__setitem__(1, 2),
            'no date b': lambda m: m['inputs'][1].pop('date'),
            'different taps': lambda m: m['inputs'][1].__setitem__('tap', 'feat_l2'),
            'bad colour': lambda m: m['classes'][0].__setitem__('color', 'red'),
            'value 255': lambda m: m['classes'][1].__setitem__('value', 255),
            'no stride': lambda m: m['outputs'][0].pop('stride'),
            'fixed batch': lambda m: m['inputs'][0]['shape'].__setitem__(0, 1),
            'bad sha': lambda m: m['encoder'].__setitem__('weightsSha256', 'abc'),
            'no metrics': lambda m: m['training'].__setitem__('metrics', {}),
            'unknown field': lambda m: m.__setitem__('extra', 1),
            'softmax class count': lambda m: (m.__setitem__('task', 'segment'), m.__setitem__('activation', 'softmax'),
                                              m['inputs'].pop(), m['inputs'][0].pop('date')),
        }
        for name, edit in cases.items():
            with self.subTest(name):
                self.assertNotEqual(self.broken(edit), [])


if __name__ == '__main__':
    unittest.main()
