"""What a head task hands to the exporter, and the pieces the tasks share.

API
    HeadBuild: everything the exporter needs: the trained torch module, one real example batch
        (numpy, in ONNX input order), an alternative smaller batch for the dynamic-shape check,
        ONNX input/output specs (manifest form), and the manifest fields the task decides
    binary_scores(pred, label, ignore=-1) -> ({'f1', 'precision', 'recall', 'iou'}, counts) on pixels
    rounded(d, n=4) -> the dict with floats rounded (manifests stay readable)
    engine_tile(spec) -> {'size', 'stride'}: an encoder module's tile from the model manifest
"""
from dataclasses import dataclass, field

import numpy as np

from models.eval.metrics import binary_counts

from ..errors import HeadError


@dataclass
class HeadBuild:
    name: str
    title: str
    task: str
    modality: str
    module: str
    net: object
    example: list
    example_small: list
    inputs: list
    outputs: list
    activation: str
    classes: list
    training: dict
    weights_licence: str
    threshold: float = None
    tile: dict = None
    report: dict = field(default_factory=dict)


def binary_scores(pred, label, ignore=-1):
    c = binary_counts(pred, label, ignore=ignore)
    tp, fp, fn = c['tp'], c['fp'], c['fn']
    return {'f1': 2 * tp / max(2 * tp + fp + fn, 1), 'precision': tp / max(tp + fp, 1),
            'recall': tp / max(tp + fn, 1), 'iou': tp / max(tp + fp + fn, 1)}, c


def rounded(d, n=4):
    return {k: (round(float(v), n) if isinstance(v, (float, np.floating)) else v) for k, v in d.items()}


def engine_tile(spec):
    t = spec.get('tile') or {}
    if not isinstance(t.get('size'), int) or not isinstance(t.get('stride'), int):
        raise HeadError('encoder module has no tile size/stride in its model manifest entry')
    return {'size': t['size'], 'stride': t['stride']}
