"""How far a copy's tones are from its original's: a light automatic adjustment stays a copy, a
stronger change of brightness, contrast or saturation is an edit (kept, shown beside its original).

Pixels cannot tell a phone's auto-enhance from a person's +35 % contrast, and the promise is to
remove only copies: beyond these bounds a pair is an edit. Measured on the 64x64 grey pictures and
the colourfulness of each photo, as ratios of the two (each + 1 grey level, + 4 for the spread, so
that a dark or flat picture's small numbers do not swing them):
- brightness (mean grey level) within 15 %, contrast (spread of grey levels) within 15 %,
  colourfulness within 25 %.
On a hostile test library (real photos, edits made with the camera's EXIF copied in): brightness
+25 % gives 1.20-1.25, exposure -0.5 EV 0.70, gamma 0.75 1.19, contrast +35 % a spread of 1.16-1.33,
saturation +60 % a colourfulness of 1.56; re-encodes, resizes and format conversions stay within 1 %.
The detection benchmark's auto-adjusts (autocontrast, +8 % brightness and saturation) stay within
the bounds on 15 of its 19 pictures; on the 4 low-contrast ones autocontrast stretches the spread
up to 2.4 times, and those are edits now.
"""

from __future__ import annotations

import numpy as np

MAX_BRIGHTNESS_RATIO = 1.15
MAX_CONTRAST_RATIO = 1.15
MAX_COLOURFULNESS_RATIO = 1.25


def _beyond(ratio: np.ndarray, bound: float) -> np.ndarray:
    result: np.ndarray = np.abs(np.log(ratio)) > np.log(bound)
    return result


def strong_tone_change(luma: np.ndarray, colourfulness: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Per pair: the tones changed more than a light automatic adjustment changes them."""
    a = luma[pairs[:, 0]].reshape(len(pairs), luma[0].size if len(luma) else 0).astype(np.float32)
    b = luma[pairs[:, 1]].reshape(len(pairs), a.shape[1]).astype(np.float32)
    brightness = (b.mean(axis=1) + 1.0) / (a.mean(axis=1) + 1.0)
    contrast = (b.std(axis=1) + 4.0) / (a.std(axis=1) + 4.0)
    colour = (colourfulness[pairs[:, 1]] + 1.0) / (colourfulness[pairs[:, 0]] + 1.0)
    strong: np.ndarray = (
        _beyond(brightness, MAX_BRIGHTNESS_RATIO)
        | _beyond(contrast, MAX_CONTRAST_RATIO)
        | _beyond(colour, MAX_COLOURFULNESS_RATIO)
    )
    return strong
