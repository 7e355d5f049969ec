"""Builds the pre-training samples from ../shared/data and reports what it made.

    /usr/bin/python3 -m models.pretrain.data.builder [--data ../shared/data] [--no-cache]

Samples are cached (pickle of compacted tiles) in models/pretrain/.cache/, keyed by the builder
version, the tile sizes and the size/mtime of every file read, so an edit to the data or to this
code rebuilds. The cache is a build product: it stays out of git.
"""
import argparse
import hashlib
import os
import pickle
import sys
import time
from collections import OrderedDict
from pathlib import Path

from .sources import bigearthnet, cropharvest, eolearn, hr_images, oscd, sen1floods11, ssl4eo, treesatai, worldcereal
from .tiling import compact, tile_sample

VERSION = 1
SOURCES = (oscd, sen1floods11, ssl4eo, bigearthnet, treesatai, eolearn, worldcereal, cropharvest, hr_images)
SOURCE_DIRS = ('oscd', 's1s2', 'colocated', 'more/eolearn_testeopatch_slovenia', 'timeseries/worldcereal',
               'timeseries/cropharvest', 'hr')
DEFAULT_DATA = Path(__file__).resolve().parents[3].parent / 'shared' / 'data'
DEFAULT_CACHE = Path(__file__).resolve().parents[1] / '.cache'


def data_fingerprint(root, s2_tile, hr_tile):
    h = hashlib.sha256(f'v{VERSION} s2_tile={s2_tile} hr_tile={hr_tile}'.encode())
    for sub in SOURCE_DIRS:
        base = Path(root) / sub
        for dirpath, _, files in sorted(os.walk(base)):
            for f in sorted(files):
                st = os.stat(os.path.join(dirpath, f))
                h.update(f'{os.path.relpath(os.path.join(dirpath, f), root)}:{st.st_size}:{int(st.st_mtime)}'.encode())
    return h.hexdigest()[:16]


def build_scenes(root, sources=SOURCES, log=None):
    """Every sample of every source, validated, as whole scenes (float32 units)."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f'{root}: data folder not found (expected ../shared/data from the repo root)')
    scenes = []
    for src in sources:
        t0 = time.time()
        made = [s.validate() for s in src.samples(root)]
        if log:
            log(f'  {src.NAME:<18} {len(made):4d} scenes  ({time.time() - t0:.1f} s)')
        scenes.extend(made)
    return scenes


def build(root=DEFAULT_DATA, s2_tile=32, hr_tile=512, cache_dir=DEFAULT_CACHE, use_cache=True, log=print):
    """Training tiles (compacted) for all sources, from the cache when it is current."""
    key = data_fingerprint(root, s2_tile, hr_tile)
    path = Path(cache_dir) / f'samples-{key}.pkl'
    if use_cache and path.is_file():
        with open(path, 'rb') as f:
            tiles = pickle.load(f)
        if log:
            log(f'samples from cache {path}')
        return tiles
    if log:
        log(f'building samples from {root}')
    tiles = []
    for scene in build_scenes(root, log=log):
        tiles.extend(compact(t) for t in tile_sample(scene, s2_tile, hr_tile))
    if use_cache:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix('.pkl.tmp')
        with open(tmp, 'wb') as f:
            pickle.dump(tiles, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    return tiles


def counts(samples):
    """{source: {'tiles', 'scenes', 'hr', 's2', 's1', 's2+s1', 'hr+s2+s1', 's2_frames', 's1_frames', 'hr_frames'}}"""
    table = OrderedDict()
    scenes = {}
    for s in samples:
        row = table.setdefault(s.source, OrderedDict((k, 0) for k in (
            'tiles', 'scenes', 'hr', 's2', 's1', 's2+s1', 'hr+s2', 'hr+s2+s1', 'hr_frames', 's2_frames', 's1_frames',
            'located')))
        row['tiles'] += 1
        scenes.setdefault(s.source, set()).add(s.id.split('@')[0])
        for m in s.modalities:
            row[m] += 1
            row[m + '_frames'] += getattr(s, m).shape[0]
        mods = set(s.modalities)
        if mods == {'s2', 's1'}:
            row['s2+s1'] += 1
        if mods == {'hr', 's2'}:
            row['hr+s2'] += 1
        if mods == {'hr', 's2', 's1'}:
            row['hr+s2+s1'] += 1
        row['located'] += int(s.has_location)
    for src, ids in scenes.items():
        table[src]['scenes'] = len(ids)
    return table


def format_counts(table):
    cols = list(next(iter(table.values())).keys()) if table else []
    lines = ['source'.ljust(18) + ''.join(c.rjust(10) for c in cols)]
    total = OrderedDict((c, 0) for c in cols)
    for src, row in table.items():
        lines.append(src.ljust(18) + ''.join(str(row[c]).rjust(10) for c in cols))
        for c in cols:
            total[c] += row[c]
    lines.append('TOTAL'.ljust(18) + ''.join(str(total[c]).rjust(10) for c in cols))
    return '\n'.join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--data', default=str(DEFAULT_DATA))
    ap.add_argument('--s2-tile', type=int, default=32)
    ap.add_argument('--hr-tile', type=int, default=512)
    ap.add_argument('--no-cache', action='store_true')
    a = ap.parse_args(argv)
    tiles = build(a.data, a.s2_tile, a.hr_tile, use_cache=not a.no_cache)
    print(format_counts(counts(tiles)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
