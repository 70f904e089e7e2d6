"""Marks drawn on a photo: copies differ a little everywhere, an edit differs a lot somewhere.

A recompressed, resized or auto-adjusted copy differs from its original by a little at every pixel
(compression noise, resampling) and by a smooth change of tones. A text label, a caption, a digit,
a logo or a local retouch leaves one place that differs a lot. So, on the two 64x64 grey pictures:
1. the tones of one are mapped onto the other (a cubic tone curve, fitted by least squares: what
   an automatic enhance does to brightness and contrast);
2. what the map leaves is split into its smooth part (a colour change moves grey levels by hue,
   slowly across the picture) and its sharp part, which is kept;
3. the sharp part is averaged in 4x4 windows: `worst` is the largest window, `concentration` that
   over the typical (75th percentile) window plus one grey level.
Cost: about 0.35 ms a pair judged (the pairs otherwise copies, not byte-identical).
A marked photo has a worst window of many grey levels far above its typical one. Measured on the
detection benchmark's 1,612 copy pairs (no RAW): concentration at most 4.9; on text, captions,
digits and logos drawn on real photos: 6.4 to 26 (a 3%-high caption in a corner of a busy picture
can stay below). A mark in a busy picture (a digit over foliage, re-encoded in another pixel order,
so every window differs a little) needs less concentration when its worst window is far off: on
the real-world corpus (benchmarks/real_world.py, 1,819 copy pairs) copies whose worst window is 20
grey levels or more reach a concentration of 4.3 at most, the digits 3 and 5 drawn on one photo 5.3.
A camera RAW developed by LibRaw has tones and clipping of its own, unlike the camera's JPEG, so
pairs with a RAW are not judged by this.

A strong tone edit (contrast or exposure pushed until highlights burn out or shadows go black)
loses detail the other photo still has: `newly_clipped` is the share of the 64x64 grey picture
that is clipped (>= 250 or <= 5) in one photo where the other is well inside (< 235 or > 20).
Measured: real copies 0.008 at most (1,819 pairs), the detection benchmark's light auto-adjusts
0.030; Pillow's contrasted hopper 0.04 against its copies of 128 pixels.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import gaussian_filter, uniform_filter

MIN_WORST = 8.0  # grey levels of the worst 4x4 window
MIN_CONCENTRATION = 6.0  # worst window over the typical one (plus one grey level)
STRONG_WORST = 20.0  # a worst window this far off needs less concentration to be a mark
STRONG_CONCENTRATION = 4.8
MAX_NEWLY_CLIPPED = 0.035  # share of the picture clipped in one photo only
_SMOOTH = 4.0  # pixels: what varies more slowly than this is a tone or colour change, not a mark
_WINDOW = 4


def _tone_mapped(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """`source` (n, 64, 64) with a cubic tone curve per pair fitted to `target` by least squares
    (the normal equations from power sums: a Hankel matrix of sums of x^0..x^6)."""
    x = source.reshape(len(source), -1) / np.float32(255.0)
    y = target.reshape(len(target), -1)
    powers = [np.ones_like(x), x]
    for _ in range(5):
        powers.append(powers[-1] * x)
    sums = np.stack([power.sum(axis=1) for power in powers], axis=1)  # (n, 7)
    normal = np.stack([sums[:, k : k + 4] for k in range(4)], axis=1) + 1e-3 * np.eye(4, dtype=np.float32)
    moments = np.stack([(powers[k] * y).sum(axis=1) for k in range(4)], axis=1)
    weights = np.linalg.solve(normal, moments[:, :, None])[:, :, 0]
    mapped = weights[:, 0:1] + weights[:, 1:2] * x + weights[:, 2:3] * powers[2] + weights[:, 3:4] * powers[3]
    result: np.ndarray = mapped.reshape(source.shape)
    return result


def _sharp_residual_windows(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    residual = target - _tone_mapped(source, target)
    sharp = np.abs(residual - gaussian_filter(residual, sigma=(0, _SMOOTH, _SMOOTH), truncate=2.5))
    windows: np.ndarray = uniform_filter(sharp, size=(1, _WINDOW, _WINDOW))
    edge = _WINDOW // 2
    return windows[:, edge:-edge, edge:-edge].reshape(len(source), -1)


def local_difference(luma: np.ndarray, pairs: np.ndarray, batch: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """Per pair: the worst window's sharp difference (grey levels) and its concentration, with the
    first photo's tones mapped onto the second's (a mark shows in what is left either way)."""
    worst = np.zeros(len(pairs), dtype=np.float32)
    concentration = np.zeros(len(pairs), dtype=np.float32)
    for start in range(0, len(pairs), batch):
        part = pairs[start : start + batch]
        windows = _sharp_residual_windows(luma[part[:, 0]].astype(np.float32), luma[part[:, 1]].astype(np.float32))
        quarter = windows.shape[1] * 3 // 4
        typical = np.partition(windows, quarter, axis=1)[:, quarter]  # the 75th percentile, unsorted
        worst[start : start + len(part)] = windows.max(axis=1)
        concentration[start : start + len(part)] = worst[start : start + len(part)] / (typical + 1.0)
    return worst, concentration


def marked(worst: np.ndarray, concentration: np.ndarray) -> np.ndarray:
    """Pairs where one photo carries a mark the other has not (text, caption, digit, logo)."""
    usual = (worst >= MIN_WORST) & (concentration >= MIN_CONCENTRATION)
    return usual | ((worst >= STRONG_WORST) & (concentration >= STRONG_CONCENTRATION))


def newly_clipped(luma: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Per pair: the larger share of the picture clipped in one photo where the other is not."""
    a, b = luma[pairs[:, 0]], luma[pairs[:, 1]]

    def clipped_in(y: np.ndarray, x: np.ndarray) -> np.ndarray:
        burnt = (y >= 250) & (x < 235)
        crushed = (y <= 5) & (x > 20)
        share: np.ndarray = (burnt | crushed).mean(axis=(1, 2))
        return share

    larger: np.ndarray = np.maximum(clipped_in(a, b), clipped_in(b, a))
    return larger
