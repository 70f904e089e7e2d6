"""Photos faded at their edges: a vignette (the edges darkened towards black) or a transparent fade
(a PNG whose alpha fades the edges out, seen over white as every photo with transparency is).

Such an edit keeps the middle of the picture and changes its edges, so the photo hashes unlike its
original and no other search brings the two together. Here each photo's centre (the middle half of
its 64x64 grey picture, each way) is hashed, and photos whose centres hash alike and whose shapes
agree are compared: the edit B is the original A blended with one flat colour c (black or white)
by a weight that varies smoothly over the picture, B = c + w (A - c). The weight is read where A is
far from c, smoothed, and must explain the difference (leave little of it in any one place), leave
most of the centre as it was and fade the edges.
A burst neighbour or a retake moved is not such a blend (its edges do not line up: the blend
explains little of the difference), nor is one whose subject moved (the blend leaves much where it
moved), a colour or tone edit changes the centre too, and a pair of one camera's exposures moments
apart is never compared.
Measured on the real-world corpus (benchmarks/real_world.py, 261 photos that stay after copies,
98 pairs whose centres hash within 6 bits): one pair differs at its edges more than twice as much as
in its centre, libjxl's tulips faded by their alpha beside their sRGB file; the blend leaves 7.0
grey levels in its worst window and keeps 68 % of the centre within 5 %. Without the first test,
tone edits and palettes keep at most 12 % of their centre.
Cost: one hash search over the photos (as a turn's); the pairs found are compared first by how much
they differ at their edges and in their centre (an edge fade differs at its edges more than twice as
much), and only those (1 of the corpus's 98) by the blend: a few 64x64 filters a pair, in batches.
"""

from __future__ import annotations

import numpy as np
from scipy.fft import dctn
from scipy.ndimage import gaussian_filter, uniform_filter

from photo_dedup.fingerprint.signature import LUMA_SIDE
from photo_dedup.match.hash_search import close_pairs
from photo_dedup.match.photo_table import PhotoTable
from photo_dedup.match.turns import dct_hashes
from photo_dedup.match.verify import exposures_apart

FADED = "faded at its edges (a vignette, a transparent fade)"
FADED_FROM = "the photo it was faded from"
MAX_CENTRE_DISTANCE = 6  # bits between the centres' hashes: the faded tulips 4
MIN_KEPT = 0.5  # share of the centre within 5 % of its weight 1: the tulips 0.68, tone edits 0.12 at most
MIN_DIFFERENCE = 4.0  # grey levels the edges differ by beyond twice the centre's: less is a copy, not a fade
# grey levels the blend leaves in the worst 8x8 window: the tulips 7.0, a vignette or an alpha fade of
# scikit-image's photos 9.9 to 17.2; a burst neighbour (its subject moved) beside the other frame's fade 22.6 and up
MAX_LOCAL = 20.0
_WINDOW = 8  # pixels: a moved subject of a sixteenth of the picture's side fills one
_MAX_ASPECT_CHANGE = 0.03  # as the copies' max_aspect_change: a fade keeps the photo's shape
_FAR = 40.0  # grey levels from the blend's colour, where the weight can be read
_SMOOTH = 4.0  # pixels: how slowly the weight varies
_KEPT = 0.05  # of the weight: the tulips' untouched middle reads 0.99 to 1.00
_EDGE = 8  # pixels of the 64x64 picture: the edges' band (the tulips' weight 0.01 to 0.5 on top, left)
_CENTRE = slice(LUMA_SIDE // 4, LUMA_SIDE * 3 // 4)  # the middle half each way: the tulips' fade leaves it
_BATCH = 1024  # pairs compared at once: (1024, 64, 64) float32 is 16 MB a picture stack


def centre_hashes(luma: np.ndarray) -> np.ndarray:
    """The DCT hash (as turns') of the middle half, each way, of each (n, 64, 64) picture."""
    centre = luma[:, _CENTRE, _CENTRE].astype(np.float32)
    return dct_hashes(dctn(centre, axes=(1, 2), norm="ortho")[:, :8, :8])


def _faded_one_way(a: np.ndarray, b: np.ndarray, colour: float) -> np.ndarray:
    """Per pair of (n, 64, 64) pictures: b is a blended with `colour` by a smooth weight that keeps
    the centre and fades the edges (see the module's text)."""
    far = (np.abs(a - colour) >= _FAR).astype(np.float32)
    weight = np.where(far > 0, (b - colour) / np.where(far > 0, a - colour, np.float32(1.0)), np.float32(0.0))
    sigma = (0, _SMOOTH, _SMOOTH)
    smooth = gaussian_filter(weight * far, sigma) / np.maximum(gaussian_filter(far, sigma), 1e-3)
    left = np.abs(colour + smooth * (a - colour) - b)
    half = _WINDOW // 2
    local = uniform_filter(left, size=(1, _WINDOW, _WINDOW))[:, half:-half, half:-half].max(axis=(1, 2))
    kept = (np.abs(smooth[:, _CENTRE, _CENTRE] - 1.0) <= _KEPT).mean(axis=(1, 2))
    found: np.ndarray = (local <= MAX_LOCAL) & (kept >= MIN_KEPT)
    return found


def faded(luma: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Per pair (rows of `luma`): 0 none is a fade of the other, 1 the second is the first faded,
    -1 the first is the second faded."""
    result = np.zeros(len(pairs), dtype=np.int64)
    edges = np.ones((LUMA_SIDE, LUMA_SIDE), dtype=bool)
    edges[_EDGE:-_EDGE, _EDGE:-_EDGE] = False
    for start in range(0, len(pairs), _BATCH):
        part = pairs[start : start + _BATCH]
        # first, cheaply: the pictures differ at their edges more than twice as much as in their centres
        step = np.abs(luma[part[:, 0]].astype(np.int16) - luma[part[:, 1]].astype(np.int16))
        centre_step = step[:, _CENTRE, _CENTRE].mean(axis=(1, 2))
        chosen = np.flatnonzero(step[:, edges].mean(axis=1) >= 2 * centre_step + MIN_DIFFERENCE)
        if len(chosen) == 0:
            continue
        a, b = (luma[part[chosen, k]].astype(np.float32) for k in (0, 1))
        forward = _faded_one_way(a, b, 0.0) | _faded_one_way(a, b, 255.0)
        backward = _faded_one_way(b, a, 0.0) | _faded_one_way(b, a, 255.0)
        result[start + chosen] = np.where(forward, 1, np.where(backward, -1, 0))
    return result


def faded_pairs(table: PhotoTable, photos: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Pairs (sorted, as rows of the table) among `photos` where one is the other faded at its
    edges, and for each what the second is to the first."""
    if len(photos) < 2:
        return np.empty((0, 2), dtype=np.int64), []
    close = close_pairs(centre_hashes(table.luma[photos]), MAX_CENTRE_DISTANCE)
    pairs = np.sort(photos[close], axis=1).reshape(-1, 2)
    aspect = (table.photos["width"] / table.photos["height"]).to_numpy(dtype=np.float64)
    shaped = np.abs(np.log(aspect[pairs[:, 0]] / aspect[pairs[:, 1]])) <= _MAX_ASPECT_CHANGE
    pairs = pairs[shaped & ~exposures_apart(table.photos, pairs)]
    way = faded(table.luma, pairs)
    found = way != 0
    return pairs[found], [FADED if w > 0 else FADED_FROM for w in way[found].tolist()]
