"""Build and write manifest.json of a model folder (shape: models/manifest.schema.json, schemaVersion 1).

API
    MODALITIES: the input conventions per modality (SKYSENSE.md §3)
    build_manifest(cfg_name, cfg, specs, exports, weights, checkpoints, seed, name=None, title=None,
                   licence_weights=None, notes=None) -> dict
        specs: {module: ModuleSpec}; exports: {module: export_module() result (+ 'fp16File')};
        weights: 'random-init' | 'converted' (official SkySense release) | 'pretrained' (our own
        pre-training, models/pretrain); checkpoints: [{'file','sha256'}] or None;
        licence_weights: replaces the default text of WEIGHTS_LICENCE[weights];
        notes: free text put before the module configuration in provenance.notes.
    write_manifest(manifest, out_dir)  validates against the schema, then writes under a temp name
        and renames; raises ValueError listing the schema errors.
"""
import datetime
import json
import os

import torch

from models.export.onnx_module import OPSET
from models.export.schema_check import validate_manifest

MODALITIES = {
    'hr': {'bands': ['R', 'G', 'B'], 'units': '0-255', 'mean': [123.675, 116.28, 103.53],
           'std': [58.395, 57.12, 57.375], 'gsd': 0.3,
           'notes': 'ImageNet statistics on 8-bit values, as in the official fine-tuning configs. GSD 0.3 m is implied '
                    'by the fusion grid (1 Sentinel pixel = 32 HR pixels).'},
    's2': {'bands': ['B02', 'B03', 'B04', 'B05', 'B06', 'B07', 'B08', 'B8A', 'B11', 'B12'], 'units': 'reflectance',
           'scale': 10000,
           'mean': [884.30, 1144.16, 1297.47, 1624.91, 2194.64, 2422.21, 2517.76, 2581.65, 2368.51, 1805.07],
           'std': [1155.15, 1183.63, 1368.11, 1370.27, 1355.55, 1416.51, 1474.79, 1439.31, 1455.52, 1343.48],
           'gsd': 10,
           'notes': 'Reflectance x 10000 (L2A-style DN); mean/std in DN are the SkySense++ global statistics; the v1 '
                    'values are unpublished. 20 m bands resampled to the 10 m grid.'},
    's1': {'bands': ['VV', 'VH'], 'units': 'dB', 'mean': [-12.548, -20.192], 'std': [5.257, 5.912], 'gsd': 10,
           'notes': 'Backscatter in dB; SkySense++ statistics (v1 values unpublished).'},
}
CODE_LICENCE = 'Apache-2.0'
WEIGHTS_LICENCE = {
    'random-init': 'No pre-trained weights: random initialisation (seeded), usable under the code licence; '
                   'outputs carry no meaning.',
    'converted': 'SkySense pre-trained weights: non-commercial research use only (official SkySense README, '
                 'section License); commercial use or cooperation requires contacting Yansheng Li, Wuhan University.',
    # Our own weights owe nothing to the official release, but the run's training data decide what
    # they may be used for; the default says so instead of guessing (convert.py --licence-weights).
    'pretrained': 'Weights pre-trained by the SkySense Desktop project (models/pretrain: MGCL + CMA + GCP on '
                  'public imagery); no official SkySense weights are used. Licence not decided: several training '
                  'sources are research / non-commercial only (models/pretrain/README.md, Caveats) unless the run '
                  'left them out; check before redistributing.',
}
WEIGHTS_LABEL = {'random-init': 'random init', 'converted': 'converted official weights',
                 'pretrained': 'pre-trained by SkySense Desktop'}


def build_manifest(cfg_name, cfg, specs, exports, weights, checkpoints, seed, name=None, title=None,
                   licence_weights=None, notes=None):
    if weights not in WEIGHTS_LICENCE:
        raise ValueError(f'weights {weights!r}: expected one of {", ".join(WEIGHTS_LICENCE)}')
    modules = {}
    for mod, spec in specs.items():
        ex = exports[mod]
        entry = {'file': ex['file'], 'fp16File': ex.get('fp16File'), 'externalData': ex['externalData'],
                 'role': spec.role, 'modality': spec.modality, 'inputs': spec.io['inputs'],
                 'outputs': spec.io['outputs'], 'tile': spec.tile, 'notes': spec.notes}
        if ex['externalData']:
            entry['externalDataFiles'] = ex['externalDataFiles'] + ex.get('fp16ExternalDataFiles', [])
        modules[mod] = entry
    label = WEIGHTS_LABEL[weights]
    suffix = {'random-init': '-random', 'converted': '', 'pretrained': '-pretrained'}[weights]
    config_note = 'Module configuration: ' + json.dumps({k: cfg[k] for k in sorted(cfg)}, separators=(',', ':'))
    manifest = {
        'schemaVersion': 1,
        'kind': 'encoder',
        'name': name or f'skysense-{cfg_name}{suffix}',
        'title': title or f'SkySense-{cfg_name.capitalize()} ({label})',
        'config': cfg_name,
        'provenance': {
            'architecture': 'SkySense (CVPR 2024, arXiv 2312.10115): Swin-V2 HR + ViT S2/S1 + UPHeads + temporal '
                            'fusion transformer; re-implemented in models/reference (no mmcv)',
            'weights': weights,
            'checkpoint': checkpoints,
            'exporter': 'models/convert.py',
            'created': datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'),
            'torch': torch.__version__,
            'opset': OPSET,
            'seed': seed,
            'notes': f'{notes.strip()} {config_note}' if notes and notes.strip() else config_note,
        },
        'licence': {'code': CODE_LICENCE, 'weights': licence_weights or WEIGHTS_LICENCE[weights]},
        'modalities': json.loads(json.dumps(MODALITIES)),
        'modules': modules,
        'dateEmbedding': None,
        'geoContext': None,
    }
    if 'fusion' in specs and cfg['fusion']['use_ctpe']:
        manifest['dateEmbedding'] = {
            'table': cfg['fusion']['calendar_days'],
            'index': 'day_of_year - 1, clamped to 0..364 (fusion input doy = day of year 1..366; 0 = no embedding)',
            'appliesTo': ['s2'],
        }
    if 'geo_context' in specs:
        g = cfg['geo']
        manifest['geoContext'] = {
            'grid': (f'equal-angle latitude/longitude grid, {g["lat_cells"]} rows x {g["lon_cells"]} columns: '
                     f'row = floor((90 - lat) * {g["lat_cells"]} / 180) clamped, col = floor((lon + 180) * '
                     f'{g["lon_cells"]} / 360) mod {g["lon_cells"]}, region = row * {g["lon_cells"]} + col'),
            'regions': g['lat_cells'] * g['lon_cells'],
            'prototypesPerRegion': g['prototypes'],
            'notes': (f'Our design (no SkySense release contains GCP): prototypes of dimension {g["dims"]}, cosine '
                      f'attention (temperature {g["temperature"]}) of each fused location over its region\'s '
                      f'prototypes; output cat([fused, geo]) has {2 * g["dims"]} channels. '
                      + ('Prototypes learnt by our GCP pre-training (models/pretrain).' if weights == 'pretrained'
                         else 'Prototypes are random (no checkpoint provides them).')),
        }
    return manifest


def write_manifest(manifest, out_dir):
    errs = validate_manifest(manifest)
    if errs:
        raise ValueError('manifest does not follow models/manifest.schema.json:\n  ' + '\n  '.join(errs[:20]))
    tmp = os.path.join(out_dir, '.manifest.json.tmp')
    with open(tmp, 'w') as fh:
        json.dump(manifest, fh, indent=2)
        fh.write('\n')
    os.replace(tmp, os.path.join(out_dir, 'manifest.json'))
