"""Export one SkySense module to ONNX (opset 17, float32) with the axes the architecture allows.

API
    ModuleSpec: name, module (eval nn.Module with the export forward), inputs (tuple of example
        tensors), input_names, output_names, dynamic_axes, io (manifest inputs/outputs), tile, notes
    module_spec(name, module, cfg, sizes) -> ModuleSpec
        name in models.reference.skysense.MODULE_NAMES; module the (loaded) reference module;
        sizes: {'hr': 512, 's2': 64, 's1': 64} tile edges used for tracing.
    export_module(spec, out_dir, external_threshold=EXTERNAL_THRESHOLD) -> {'file', 'externalData',
        'externalDataFiles', 'bytes', 'seconds'}
        Writes <name>.onnx (and <name>.onnx.data when the weights pass the threshold, 2 GB being
        protobuf's hard limit) under temporary names, renamed when whole.

Dynamic axes and why:
    hr_encoder  batch, height, width. Window padding, the shift mask and the crop are computed from
                tensor shapes in the graph; the CPB bias of every block is precomputed as a constant.
                The one decision baked in at trace time is "shift or not": mmcls drops the shift when a
                stage map equals the window. Tracing at >= 288 px bakes "shift" in every stage, so
                the graph is exact for any edge that is a multiple of 32 and >= 288 (stage-3 map > 8);
                256 (map == window) would need a graph traced at 256 and is not offered.
    s2/s1_encoder batch, height, width: the bicubic pos-embed resize runs in the graph (ONNX Resize,
                cubic a=-0.75, half_pixel); at the native grid it is the identity.
    s2/s1_up    batch, h, w.   fusion: batch, frames, h, w.   geo_context: batch, h, w.
"""
import os
import shutil
import tempfile
import time
import warnings
from dataclasses import dataclass, field

import onnx
import torch
import torch.nn as nn

OPSET = 17
EXTERNAL_THRESHOLD = 1_800_000_000  # bytes of weights; protobuf cannot hold a 2 GiB file
HR_MIN_EDGE = 288
HR_MULTIPLE = 32


@dataclass
class ModuleSpec:
    name: str
    module: nn.Module
    inputs: tuple
    input_names: list
    output_names: list
    dynamic_axes: dict
    io: dict
    tile: object = None
    notes: str = ''
    role: str = ''
    modality: str = ''
    extra: dict = field(default_factory=dict)


class _HR(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, image):
        return tuple(self.m(image))


class _ViT(_HR):
    pass


class _Fusion(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, tokens, doy):
        return self.m.forward_tokens(tokens, doy)


def _t(name, dtype, shape, description=None, **extra):
    d = {'name': name, 'dtype': dtype, 'shape': list(shape)}
    if description:
        d['description'] = description
    d.update(extra)
    return d


def hr_valid_sizes(limit=1024):
    return list(range(HR_MIN_EDGE, limit + 1, HR_MULTIPLE))


def module_spec(name, module, cfg, sizes):
    module.eval()
    if name == 'hr_encoder':
        size = sizes.get('hr', 512)
        if size % HR_MULTIPLE or size < HR_MIN_EDGE:
            raise ValueError(f'--hr-size {size}: must be a multiple of {HR_MULTIPLE} and >= {HR_MIN_EDGE} '
                             f'(every Swin stage map must stay larger than the window)')
        c = cfg['hr']
        module.freeze_position_bias()
        outs = [f'feat_s{4 * 2 ** i}' for i in module.out_indices]
        dyn = {'image': {0: 'batch', 2: 'height', 3: 'width'}}
        io_out = []
        for i, o in zip(module.out_indices, outs):
            s = 4 * 2 ** i
            dyn[o] = {0: 'batch', 2: f'h{s}', 3: f'w{s}'}
            ch = c['embed_dims'] * 2 ** i
            io_out.append(_t(o, 'float32', ['batch', ch, f'h{s}', f'w{s}'], f'Swin stage {i} after norm{i}',
                             stride=s, channels=ch))
        return ModuleSpec(
            name, _HR(module), (torch.zeros(1, c['in_channels'], size, size),), ['image'], outs, dyn,
            {'inputs': [_t('image', 'float32', ['batch', c['in_channels'], 'height', 'width'],
                           'normalised R,G,B: (value - mean) / std')], 'outputs': io_out},
            tile={'size': size, 'stride': size - 64, 'validSizes': hr_valid_sizes(max(1024, size)),
                  'multipleOf': HR_MULTIPLE},
            notes=(f'Dynamic height/width: any multiple of {HR_MULTIPLE} >= {HR_MIN_EDGE} px (larger than the listed '
                   f'validSizes works too). Window padding and the shifted-window mask are computed in the graph; '
                   f'the shift is always on, which matches mmcls only while every stage map exceeds the window '
                   f'({c["window_size"]}), hence the minimum. Position-bias tables are baked constants.'),
            role='encoder', modality='hr')
    if name in ('s2_encoder', 's1_encoder'):
        key = name[:2]
        c = cfg[key]
        size = sizes.get(key, 64)
        module.always_resize_pos_embed = True
        outs = [f'feat_l{i}' for i in module.out_indices]
        dyn = {'image': {0: 'batch', 2: 'height', 3: 'width'}}
        io_out = []
        for i, o in zip(module.out_indices, outs):
            dyn[o] = {0: 'batch', 2: 'h4', 3: 'w4'}
            io_out.append(_t(o, 'float32', ['batch', c['embed_dims'], 'h4', 'w4'],
                             f'ViT layer {i} tokens (cls removed)', stride=c['patch_size'], channels=c['embed_dims']))
        return ModuleSpec(
            name, _ViT(module), (torch.zeros(1, c['in_channels'], size, size),), ['image'], outs, dyn,
            {'inputs': [_t('image', 'float32', ['batch', c['in_channels'], 'height', 'width'],
                           'normalised bands: (value - mean) / std')], 'outputs': io_out},
            tile={'size': size, 'stride': size * 3 // 4, 'multipleOf': c['patch_size']},
            notes=(f'Dynamic height/width (multiples of {c["patch_size"]}); the pos embed '
                   f'({c["img_size"] // c["patch_size"]}^2 grid) is resized bicubically in the graph. For fusion with a '
                   f'512 px HR tile use a 16 px tile (one {key.upper()} pixel per 32 HR pixels); the last output feeds '
                   f'{key}_up.'),
            role='encoder', modality=key)
    if name in ('s2_up', 's1_up'):
        key = name[:2]
        c = cfg[name]
        side = max(1, sizes.get(key, 64) // cfg[key]['patch_size'])
        return ModuleSpec(
            name, module, (torch.zeros(1, c['in_dim'], side, side),), ['feat'], ['up'],
            {'feat': {0: 'batch', 2: 'h', 3: 'w'}, 'up': {0: 'batch', 2: 'h_up', 3: 'w_up'}},
            {'inputs': [_t('feat', 'float32', ['batch', c['in_dim'], 'h', 'w'], f'last output of {key}_encoder')],
             'outputs': [_t('up', 'float32', ['batch', c['out_dim'], 'h_up', 'w_up'],
                            f'{key.upper()} features on the HR stride-32 grid (h_up = {c["up_scale"]} h)',
                            stride=1.0 / c['up_scale'], channels=c['out_dim'])]},
            tile=None, notes='1x1 conv + PixelShuffle; fully dynamic.', role='upsample', modality=key)
    if name == 'fusion':
        c = cfg['fusion']
        tokens = torch.zeros(1, 3, c['input_dims'], 4, 4)
        doy = torch.tensor([[0, 100, 0]], dtype=torch.int64)
        return ModuleSpec(
            name, _Fusion(module), (tokens, doy), ['tokens', 'doy'], ['fused'],
            {'tokens': {0: 'batch', 1: 'frames', 3: 'h', 4: 'w'}, 'doy': {0: 'batch', 1: 'frames'},
             'fused': {0: 'batch', 2: 'h', 3: 'w'}},
            {'inputs': [
                _t('tokens', 'float32', ['batch', 'frames', c['input_dims'], 'h', 'w'],
                   'frames stacked on axis 1: hr_encoder feat_s32 (if any), s2_up outputs, s1_up outputs; '
                   'order does not matter (no positional embedding), at least one frame'),
                _t('doy', 'int64', ['batch', 'frames'],
                   'per frame: day of year 1..366 for S2 frames, 0 for HR and S1 frames (no calendar embedding)')],
             'outputs': [_t('fused', 'float32', ['batch', c['embed_dims'], 'h', 'w'],
                            'cls token per stride-32 location', stride=1, channels=c['embed_dims'])]},
            tile=None, notes=('Dynamic batch, frames (time) and h/w. ctpe row = clamp(doy, 1, 365) - 1 is added to S2 '
                              'frames before porj_linear.' if c['use_ctpe'] else 'No calendar embedding.'),
            role='fusion', modality='fused')
    if name == 'geo_context':
        c = cfg['geo']
        return ModuleSpec(
            name, module, (torch.zeros(1, c['dims'], 4, 4), torch.tensor([45.0]), torch.tensor([7.0])),
            ['fused', 'lat', 'lon'], ['geo'],
            {'fused': {0: 'batch', 2: 'h', 3: 'w'}, 'lat': {0: 'batch'}, 'lon': {0: 'batch'},
             'geo': {0: 'batch', 2: 'h', 3: 'w'}},
            {'inputs': [_t('fused', 'float32', ['batch', c['dims'], 'h', 'w'], 'fusion output'),
                        _t('lat', 'float32', ['batch'], 'tile centre latitude, degrees (WGS84)'),
                        _t('lon', 'float32', ['batch'], 'tile centre longitude, degrees (WGS84)')],
             'outputs': [_t('geo', 'float32', ['batch', 2 * c['dims'], 'h', 'w'],
                            'cat([fused, geo-context feature])', stride=1, channels=2 * c['dims'])]},
            tile=None, notes='Our design (no released GCP); see manifest geoContext.', role='geo_context',
            modality='fused')
    raise ValueError(f'no export recipe for module {name!r}')


def _tensor_bytes(model):
    total = 0
    for t in model.graph.initializer:
        n = 1
        for d in t.dims:
            n *= d
        total += n * {1: 4, 10: 2, 7: 8, 6: 4, 11: 8}.get(t.data_type, 4)
    return total


def save_onnx(model, path, external_threshold=EXTERNAL_THRESHOLD):
    """Save under a temporary name, then rename; weights go to <file>.data past the threshold."""
    folder, base = os.path.split(path)
    external = _tensor_bytes(model) > external_threshold
    tmp_onnx = os.path.join(folder, f'.{base}.tmp')
    data_name = base + '.data'
    tmp_data = os.path.join(folder, f'.{data_name}.tmp')
    if external:
        # onnx writes the data file next to the model under `location`; write it under the temp name.
        onnx.save_model(model, tmp_onnx, save_as_external_data=True, all_tensors_to_one_file=True,
                        location=f'.{data_name}.tmp', size_threshold=1024)
        m2 = onnx.load(tmp_onnx, load_external_data=False)
        for t in m2.graph.initializer:
            for e in t.external_data:
                if e.key == 'location':
                    e.value = data_name
        onnx.save_model(m2, tmp_onnx)
        os.replace(tmp_data, os.path.join(folder, data_name))
    else:
        onnx.save_model(model, tmp_onnx)
    os.replace(tmp_onnx, path)
    return [data_name] if external else []


def _weight_bytes(module):
    return sum(t.numel() * t.element_size() for t in list(module.parameters()) + list(module.buffers()))


def export_module(spec, out_dir, external_threshold=EXTERNAL_THRESHOLD):
    t0 = time.time()
    final = os.path.join(out_dir, f'{spec.name}.onnx')
    work = tempfile.mkdtemp(prefix=f'.{spec.name}-', dir=out_dir)
    try:
        raw = os.path.join(work, 'raw.onnx')
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter('ignore')  # tracer warnings about shape ints are expected here
            torch.onnx.export(spec.module, spec.inputs, raw, opset_version=OPSET, input_names=spec.input_names,
                              output_names=spec.output_names, dynamic_axes=spec.dynamic_axes,
                              do_constant_folding=True)
        onnx.checker.check_model(raw)
        if _weight_bytes(spec.module) * 1.05 < min(external_threshold, EXTERNAL_THRESHOLD):
            # One self-contained file already: rename it into place without a reload.
            data_files = []
            os.replace(raw, final)
        else:
            # Reload (pulling in the per-tensor files torch writes past 2 GB) and write one data file.
            data_files = save_onnx(onnx.load(raw), final, external_threshold)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    size = os.path.getsize(final) + sum(os.path.getsize(os.path.join(out_dir, f)) for f in data_files)
    return {'file': os.path.basename(final), 'externalData': bool(data_files), 'externalDataFiles': data_files,
            'bytes': size, 'seconds': round(time.time() - t0, 2)}
