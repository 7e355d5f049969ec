"""The heads meet at run time the taps they were trained on: the engine (`skysense run --task
segment`, TypeScript + onnxruntime-node) on the held-out bottom half of the Sen1Floods11 chip gives
the probabilities and classes that the Python side computes with models/heads/engine_tiles.py
(normalisation, tile plan, ownership) and the model folder's ONNX files, and the F1 the manifest
states. Needs no checkpoint: the Python side runs the ONNX encoder here."""
import json
import subprocess
import tempfile
import unittest
from pathlib import Path

import numpy as np
import torch

from models.eval.metrics import binary_counts, f1_from_counts
from models.export import ort_node
from models.heads import engine_tiles, fit
from models.heads.encoder_taps import EncoderTaps
from models.pretrain.data.grid import read_array

REPO = Path(__file__).resolve().parents[3]
MODEL = REPO / 'models' / 'skysense-tiny'
HEAD = MODEL / 'heads' / 's1-water'
CHIP = REPO.parent / 'shared' / 'data' / 's1s2' / 'sen1floods11' / 'sample'


class EngineAgreementTest(unittest.TestCase):
    def test_s1_water_bottom_half(self):
        m = json.loads((HEAD / 'manifest.json').read_text())
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            for src, dst in ((CHIP / 'S1' / 'Spain_7370579_S1Hand.tif', 's1.tif'), (CHIP / 'Labels' / 'Spain_7370579_LabelHand.tif', 'lab.tif')):
                subprocess.run(['gdal_translate', '-q', '-srcwin', '0', '256', '512', '256', str(src), str(tmp / dst)], check=True)
            for grid in ('model', 'input'):
                p = subprocess.run(['node', 'bin/skysense.mjs', 'run', '--task', 'segment', '--head', str(HEAD), '--input', str(tmp / 's1.tif'),
                                    '--out', str(tmp / f'{grid}.tif'), '--probabilities', '--output-grid', grid],
                                   cwd=REPO, capture_output=True, text=True, timeout=600)
                self.assertEqual(p.returncode, 0, p.stderr[-3000:])
            engine_cell_prob = read_array(tmp / 'model.prob.tif')[0]
            engine_cls = read_array(tmp / 'input.tif')[0]
            s1 = read_array(tmp / 's1.tif')
            lab = read_array(tmp / 'lab.tif')[0]
        lab = np.where(np.isnan(lab), -1, lab).astype(np.int64)

        enc = EncoderTaps(MODEL, json.loads((MODEL / 'manifest.json').read_text()), None, None, None, check_onnx=False)
        spec = enc.manifest['modules'][m['encoder']['module']]
        tile = spec['tile']
        stride = m['outputs'][0]['stride']
        x = engine_tiles.normalise(s1, enc.modality('s1'))
        taps = engine_tiles.stitched_taps(enc.onnx_runner(m['encoder']['module']), x, tile['size'], tile['size'] - tile['stride'],
                                          stride, [m['inputs'][0]['tap']], batch=64)[m['inputs'][0]['tap']]
        got, _ = ort_node.run(str(HEAD / m['file']), {m['inputs'][0]['name']: taps[None]})
        cell_prob = torch.sigmoid(torch.from_numpy(got[m['outputs'][0]['name']][0])).numpy()
        prob = fit.upsample(cell_prob, stride, *lab.shape)[0]

        # on the head's grid: identical, except in the band where the engine blends the last,
        # shifted tile into its neighbour (engine_tiles gives each cell to one tile)
        h, w = lab.shape
        blend = np.zeros(cell_prob.shape[1:], dtype=bool)
        for axis, size in ((0, h), (1, w)):
            pos = [q // stride for q in engine_tiles.axis_positions(size, tile['size'], tile['size'] - tile['stride'], stride)]
            t_out, margin = tile['size'] // stride, (tile['size'] - tile['stride']) // 2 // stride
            if len(pos) > 1 and pos[-2] + t_out - pos[-1] > 2 * margin:
                band = slice(pos[-1] + margin, pos[-2] + t_out - margin)
                if axis == 0:
                    blend[band, :] = True
                else:
                    blend[:, band] = True
        diff = np.abs(cell_prob[0] - engine_cell_prob)
        self.assertLess(float(diff[~blend].max()), 1e-4)
        self.assertLess(float(blend.mean()), 0.1)
        # on the input grid the engine upsamples inside each tile, we over the stitched grid:
        # they differ only within a pixel or two of tile seams
        ours = (prob >= m['threshold']).astype(np.int64)
        self.assertGreater(float((ours == engine_cls).mean()), 0.99)
        f1_engine = f1_from_counts(binary_counts(engine_cls.astype(np.int64), lab, ignore=-1))
        f1_ours = f1_from_counts(binary_counts(ours, lab, ignore=-1))
        self.assertAlmostEqual(f1_engine, f1_ours, delta=0.005)
        self.assertAlmostEqual(f1_engine, m['training']['metrics']['f1'], delta=0.01)


if __name__ == '__main__':
    unittest.main()
