"""One pre-training sample: whatever modalities a place has, in SkySense units, with dates and location.

HR, S2 and S1 inside one sample cover the same ground (a sample is the unit of co-location);
a source without co-located modalities makes single-modality samples. Arrays:
  hr      uint8   (T_hr, 3, H, W)   R, G, B; T_hr > 1 for bi-temporal HR pairs (LEVIR, DSIFN, WHU)
  s2      float32 (T, 10, h, w)     reflectance x 10000 in bands.S2_BANDS order
  s2_band_valid bool (10,)         False for a band the source lacks (WorldCereal has no B8A)
  s1      float32 (T, 2, h, w)      VV, VH in dB
  *_dates int32   (T,)              YYYYMMDD
Scenes larger than a training tile are cut by tiling.py; a sample here may be a whole scene.
"""
from dataclasses import dataclass, field

import numpy as np

from .bands import S2_BANDS


@dataclass
class Sample:
    id: str
    source: str
    lon: float = float('nan')
    lat: float = float('nan')
    latlon_note: str = ''           # how the location was obtained ('georeferenced', 'city centre (approx.)', ...)
    hr: np.ndarray = None
    hr_gsd: float = float('nan')    # metres per HR pixel
    hr_dates: np.ndarray = None
    s2: np.ndarray = None
    s2_dates: np.ndarray = None
    s2_level: str = ''              # 'L1C' or 'L2A'
    s2_band_valid: np.ndarray = field(default_factory=lambda: np.ones(len(S2_BANDS), dtype=bool))
    s1: np.ndarray = None
    s1_dates: np.ndarray = None
    note: str = ''

    @property
    def modalities(self):
        return tuple(m for m in ('hr', 's2', 's1') if getattr(self, m) is not None)

    @property
    def has_location(self):
        return bool(np.isfinite(self.lat) and np.isfinite(self.lon))

    def validate(self):
        """Raises ValueError naming the sample when shapes, units or dates are inconsistent."""
        def bad(msg):
            raise ValueError(f'sample {self.id} ({self.source}): {msg}')
        if not self.modalities:
            bad('no modality')
        if self.hr is not None:
            if self.hr.dtype != np.uint8 or self.hr.ndim != 4 or self.hr.shape[1] != 3:
                bad(f'hr must be uint8 (T,3,H,W), got {self.hr.dtype} {self.hr.shape}')
        for m, c in (('s2', 10), ('s1', 2)):
            a = getattr(self, m)
            if a is None:
                continue
            d = getattr(self, m + '_dates')
            if a.dtype != np.float32 or a.ndim != 4 or a.shape[1] != c:
                bad(f'{m} must be float32 (T,{c},H,W), got {a.dtype} {a.shape}')
            if d is None or len(d) != a.shape[0]:
                bad(f'{m}_dates must give one date per frame')
            if not np.all(np.isfinite(a)):
                bad(f'{m} has NaN/inf left after gap filling')
            if np.any(np.diff(d) < 0):
                bad(f'{m}_dates are not sorted')
        if self.s2 is not None:
            med = float(np.median(self.s2[:, self.s2_band_valid]))
            if not 10 < med < 10000:
                bad(f's2 median {med:.1f} is not reflectance x 10000')
        if self.s1 is not None:
            med = float(np.median(self.s1))
            if not -40 < med < 5:
                bad(f's1 median {med:.1f} is not backscatter in dB')
        if self.s2 is not None and self.s1 is not None and self.s2.shape[2:] != self.s1.shape[2:]:
            bad(f's2 {self.s2.shape[2:]} and s1 {self.s1.shape[2:]} are not on one grid')
        return self
