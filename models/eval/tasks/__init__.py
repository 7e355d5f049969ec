"""The probe tasks, in table order. Each module has NAME, TITLE, METRIC,
prepare(root, seed, quick) -> data (labels, splits, sampled training pixels: encoder-independent)
and evaluate(data, encoder) -> {'value', 'extra'[, 'prediction']}."""
from models.eval.tasks import floods_water, loveda_segmentation, oscd_change, presto_landcover

TASKS = {m.NAME: m for m in (oscd_change, presto_landcover, loveda_segmentation, floods_water)}
