"""Paths shared by the pre-training tests: the repo root (put on sys.path so that
`models.pretrain` imports however the tests are started) and the real data in ../shared/data."""
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
DATA = REPO.parent / 'shared' / 'data'

import torch  # noqa: E402

torch.set_num_threads(2)

from functools import lru_cache  # noqa: E402


@lru_cache(maxsize=None)
def sen1floods11_sample():
    """The Sen1Floods11 chip (S1 + S2, 512 px), read once per test process."""
    from models.pretrain.data.sources import sen1floods11
    (s,) = list(sen1floods11.samples(DATA))
    return s


@lru_cache(maxsize=None)
def small_tiles():
    """Training tiles of the quick sources (every group of views represented): Sen1Floods11,
    TreeSatAI, WorldCereal, CropHarvest, the HR images."""
    from models.pretrain.data.builder import build_scenes
    from models.pretrain.data.sources import cropharvest, hr_images, sen1floods11, treesatai, worldcereal
    from models.pretrain.data.tiling import compact, tile_sample
    scenes = build_scenes(DATA, sources=(sen1floods11, treesatai, worldcereal, cropharvest, hr_images))
    return [compact(t) for s in scenes for t in tile_sample(s)]
