"""The stock heads, in training order. Each module has NAME and
build(enc: EncoderTaps, data_root: Path, seed: int, quick: bool) -> HeadBuild (tasks/common.py)."""
from . import bigearthnet_classify, hr_landcover, oscd_change, s1_water

TASKS = {m.NAME: m for m in (s1_water, oscd_change, hr_landcover, bigearthnet_classify)}
