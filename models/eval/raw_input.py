"""The input itself as 'features', through the same probe: the floor a useful encoder must beat.

API (the FrozenSkySense feature interface)
    RawInput()  .label = 'raw input'
    .s2_dense(image, tile, origins=None) / .s1_dense(...) -> iterator of (y, x, normalised bands)
    .hr_dense(rgb) -> (3, H/4, W/4) normalised RGB averaged over each 4 x 4 cell (the encoder grid)
    .series(s2, s2_doy, s1) -> (N, T*10 + T1*2) the normalised series, flattened
Normalisation is the pre-training's, so the probe sees the same numbers the encoders read.
"""
import numpy as np

from models.eval.encoder import EvalError, tile_origins
from models.pretrain.data.bands import HR_MEAN, HR_STD, S1_MEAN, S1_STD, S2_MEAN, S2_STD


class RawInput:
    label = 'raw input'
    source = {'kind': 'raw-input'}

    def _dense(self, image, mean, std, tile, origins):
        if image.shape[0] != len(mean):
            raise EvalError(f'input has {image.shape[0]} bands, expected {len(mean)}')
        x = (image.astype(np.float32) - mean[:, None, None]) / std[:, None, None]
        _, h, w = x.shape
        for y, xx in tile_origins(h, w, tile) if origins is None else origins:
            yield y, xx, x[:, y:y + tile, xx:xx + tile]

    def s2_dense(self, image, tile=32, origins=None):
        return self._dense(image, S2_MEAN, S2_STD, tile, origins)

    def s1_dense(self, image, tile=32, origins=None):
        return self._dense(image, S1_MEAN, S1_STD, tile, origins)

    def hr_dense(self, rgb):
        x = (rgb.astype(np.float32) - HR_MEAN[:, None, None]) / HR_STD[:, None, None]
        c, h, w = x.shape
        return x[:, :h // 4 * 4, :w // 4 * 4].reshape(c, h // 4, 4, w // 4, 4).mean(axis=(2, 4))

    def series(self, s2, s2_doy, s1=None):
        parts = [((s2 - S2_MEAN) / S2_STD).reshape(len(s2), -1)]
        if s1 is not None:
            parts.append(((s1 - S1_MEAN) / S1_STD).reshape(len(s1), -1))
        return np.concatenate(parts, axis=1).astype(np.float32)
