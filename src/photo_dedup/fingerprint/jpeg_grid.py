"""Whether a losslessly stored picture was once a JPEG: the 8x8 block grid JPEG leaves behind.

A JPEG codes its picture in 8x8 blocks, so after decoding, neighbouring pixels on the two
sides of a block edge differ a little more than neighbours inside a block. A PNG or TIFF
saved from a decoded JPEG keeps that grid; one saved from a camera's or scanner's own
pixels has none. The score is the mean step across block edges over the mean step inside
blocks, in both directions (about 1.0 without a grid).
"""

from __future__ import annotations

import numpy as np
from PIL import Image

# At or above this a picture counts as a decoded JPEG. Measured on scikit-image's photographs
# and 13 camera JPEGs: decoded camera JPEGs score 1.05-1.62 (most over 1.18), q60-q85 re-encodings
# 1.03-2.5, q95 ones 0.99-1.22 (often no visible grid), pictures never stored as JPEG 0.98-1.02.
# So the grid is evidence when present and says nothing when absent; a photo flagged by it is
# only ranked below a JPEG of the same group (see keeper.mark_conversions).
GRID_THRESHOLD = 1.10
_SAMPLE = 1024  # measure on a central crop this large at most (aligned to the grid)


def jpeg_grid_score(im: Image.Image) -> float | None:
    """The block-grid score of a full-size picture, or None when it is too small to tell."""
    width, height = im.size
    if width < 64 or height < 64:
        return None
    crop_w, crop_h = min(width, _SAMPLE), min(height, _SAMPLE)
    left = ((width - crop_w) // 2) // 8 * 8
    top = ((height - crop_h) // 2) // 8 * 8
    try:
        grey = np.asarray(im.crop((left, top, left + crop_w, top + crop_h)).convert("L"), dtype=np.float32)
    except (OSError, ValueError):
        return None
    scores = []
    for axis in (0, 1):
        steps = np.abs(np.diff(grey, axis=axis)).mean(axis=1 - axis)
        edge = (np.arange(len(steps)) % 8) == 7
        inside = steps[~edge].mean()
        if inside < 0.5:  # flat picture: nothing to measure
            return None
        scores.append(float(steps[edge].mean() / inside))
    return round(min(scores), 4)


def was_jpeg(score: float | None) -> bool:
    return score is not None and score >= GRID_THRESHOLD
