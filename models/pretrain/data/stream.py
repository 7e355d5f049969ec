"""An endless stream of two-view batches, made in the main process or in DataLoader workers.

On a GPU the tiny model trains faster than one CPU core can crop and augment, so batch making
can move to worker processes (--workers); each worker draws from its own generator seeded by
(seed, worker, start step), which keeps a run reproducible for a given worker count.
"""
import numpy as np
import torch
from torch.utils.data import DataLoader, IterableDataset, get_worker_info

from .views import GROUPS, GroupSampler, make_batch


class BatchStream(IterableDataset):
    def __init__(self, tiles, group_weights, batch_sizes, view_cfg, seed, start_step=0):
        super().__init__()
        self.tiles = tiles
        self.samplers = {g: GroupSampler(tiles, g) for g in GROUPS}
        self.groups = [g for g in GROUPS if len(self.samplers[g]) and group_weights.get(g, 0) > 0]
        if not self.groups:
            raise ValueError('no batch group has both samples and a positive weight')
        p = np.array([group_weights[g] for g in self.groups], dtype=np.float64)
        self.p = p / p.sum()
        self.batch_sizes = batch_sizes
        self.view_cfg = view_cfg
        self.seed = seed
        self.start_step = start_step

    def __iter__(self):
        info = get_worker_info()
        worker = info.id if info else 0
        rng = np.random.default_rng([self.seed, worker, self.start_step])
        while True:
            group = self.groups[int(rng.choice(len(self.groups), p=self.p))]
            idx = self.samplers[group].draw(rng, self.batch_sizes[group])
            yield make_batch(rng, [self.tiles[i] for i in idx], group, self.view_cfg)


def batches(stream, workers=0):
    """Iterator over (view_a, view_b, meta) from `stream`, through `workers` processes when > 0."""
    if workers <= 0:
        return iter(stream)
    loader = DataLoader(stream, batch_size=None, num_workers=workers, persistent_workers=True, prefetch_factor=4,
                        pin_memory=torch.cuda.is_available())
    return iter(loader)
