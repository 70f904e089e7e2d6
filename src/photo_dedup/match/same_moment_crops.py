"""Crops and turns of one shot: edits that the hashes cannot find.

A crop or a quarter turn changes every hash, so these pairs are looked for among photos taken at
the same moment by the same camera (EXIF capture time to the second, make and model: editors keep
them), and verified on the 64x64 grey pictures:
- a **turn** (90, 180 or 270 degrees, or mirrored) lines up with the other photo once turned back:
  the gradients correlate as a copy's do;
- a **crop** is found inside the other photo: for each box width (its height follows from the two
  aspect ratios) the crop, shrunk to the box's size, is slid over the blurred original
  (normalised cross-correlation), the best place is refined to a quarter pixel, and
  there the gradients must correlate as well as a copy's. The best box must leave at most
  `MAX_CROP_AREA` of the picture: a burst neighbour, moved by a few percent, lines up best with
  a box of 0.9 or more.
Photos with no capture time are never paired here, nor are those of a "moment" holding more than
`MAX_PHOTOS_A_MOMENT` photos: no burst is that fast, but a camera whose clock was never set stamps
every photo with one time, and the pairs grow with the square of their number.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from PIL import Image
from scipy.ndimage import gaussian_filter, map_coordinates

from photo_dedup.fingerprint.signature import LUMA_SIDE
from photo_dedup.match.photo_table import PhotoTable

log = logging.getLogger(__name__)

MAX_PHOTOS_A_MOMENT = 30  # a 30-frames-a-second burst; more in one second is a clock, not a shot
MIN_CROP_STRUCTURE = 0.9  # gradient correlation of the crop and its box in the original
MAX_CROP_AREA = 0.88  # at most this much of the original's area is left in a crop
MIN_TURN_STRUCTURE = 0.9
MIN_COARSE_MATCH = 0.8  # a crop matches its box at half resolution at 0.9 or more
_WIDTHS = np.arange(0.3, 1.001, 0.03)
_SIDE = 32  # pixels of the compared pictures
_MOVES = [(dw, dx, dy) for dw in (-1, 0, 1) for dx in (-1, 0, 1) for dy in (-1, 0, 1)]


def same_moment_pairs(table: PhotoTable, stand_in: np.ndarray | None = None) -> np.ndarray:
    """Pairs (i < j) of photos with the same capture time (to the second), make and model.

    With `stand_in` (each photo's copy-group keeper, or itself), one photo per copy group and moment
    is paired (the keeper where it has that moment), and never two of one group.
    """
    photos = table.photos
    owner = np.arange(len(table)) if stand_in is None else stand_in
    moments: dict[tuple[str, str, str], dict[int, int]] = defaultdict(dict)
    for index, (taken, make, model) in enumerate(zip(photos["taken"], photos["make"], photos["model"], strict=True)):
        if isinstance(taken, str) and taken:
            chosen = moments[(taken[:19], str(make or ""), str(model or ""))]
            group = int(owner[index])
            if group not in chosen or index == group:
                chosen[group] = index
    pairs = []
    crowded = 0
    for chosen in moments.values():
        members = sorted(chosen.values())
        if len(members) > MAX_PHOTOS_A_MOMENT:
            crowded += len(members)
            continue
        pairs += [(a, b) for i, a in enumerate(members) for b in members[i + 1 :]]
    if crowded:
        log.info(
            "%d photos in seconds that hold more than %d photos each: not searched for crops",
            crowded,
            MAX_PHOTOS_A_MOMENT,
        )
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)


def crop_or_turn_pairs(table: PhotoTable, pairs: np.ndarray) -> np.ndarray:
    """The pairs where one photo is a crop or a turn of the other (as an (m, 2) array)."""
    photos = table.photos
    width, height = photos["width"].to_numpy(float), photos["height"].to_numpy(float)
    aspect, pixels = width / height, width * height
    found = []
    for a, b in pairs.tolist():
        luma = {i: table.luma[i].astype(np.float32) for i in (a, b)}
        # The smaller photo is looked for inside the larger one first (an editor's crop holds fewer
        # pixels), then the other way: a crop exported at a fixed size (a 4:3 photo and its square
        # crop, both 500 px wide) holds more pixels than its original.
        big, small = (a, b) if pixels[a] >= pixels[b] else (b, a)
        if (
            turned(luma[a], luma[b])
            or _cropped(luma[big], aspect[big], luma[small], aspect[small])
            or _cropped(luma[small], aspect[small], luma[big], aspect[big])
        ):
            found.append((a, b))
    return np.array(found, dtype=np.int64).reshape(-1, 2)


def crop_of(luma_a: np.ndarray, aspect_a: float, luma_b: np.ndarray, aspect_b: float) -> bool:
    """B (its 64x64 grey picture and width/height) is a crop of A (see _cropped)."""
    return _cropped(luma_a.astype(np.float32), aspect_a, luma_b.astype(np.float32), aspect_b)


def turned(luma_a: np.ndarray, luma_b: np.ndarray) -> bool:
    """B is A turned or mirrored (not A as it is: that is a copy or an edit, found by the hashes)."""
    for k in range(4):
        for mirrored in (False, True):
            if k == 0 and not mirrored:
                continue
            view = np.rot90(luma_b, k)
            view = view[:, ::-1] if mirrored else view
            if gradient_correlation(luma_a, view) >= MIN_TURN_STRUCTURE:
                return True
    return False


def _cropped(luma_a: np.ndarray, aspect_a: float, luma_b: np.ndarray, aspect_b: float) -> bool:
    """B is a crop of A: it lines up best with a box of A holding at most MAX_CROP_AREA of A.

    The box is searched at half resolution (32x32: each width, slid over A by normalised
    cross-correlation), then refined at full resolution to a quarter pixel.
    """
    blurred = gaussian_filter(luma_a, 0.7)
    coarse = blurred.reshape(_SIDE, 2, _SIDE, 2).mean(axis=(1, 3))
    best = (-1.0, 0.0, 0.0, 0.0)  # score, width, x, y (fractions of A)
    correlate = correlator(coarse)
    for width in _WIDTHS:
        height = width * aspect_a / aspect_b
        if not 0.3 <= height <= 1.0:
            continue
        size = (max(4, round(width * _SIDE)), max(4, round(height * _SIDE)))
        template = np.asarray(Image.fromarray(luma_b).resize(size, Image.Resampling.BOX), dtype=np.float32)
        scores = correlate(template)
        row, column = np.unravel_index(int(np.argmax(scores)), scores.shape)
        if scores[row, column] > best[0]:
            best = (float(scores[row, column]), float(width), float(column) / _SIDE, float(row) / _SIDE)
    if best[0] < MIN_COARSE_MATCH:
        return False
    return _refined_crop(luma_a, aspect_a, luma_b, aspect_b, blurred, (best[1], best[2], best[3]))


def crop_near(
    luma_a: np.ndarray, aspect_a: float, luma_b: np.ndarray, aspect_b: float, box: tuple[float, float, float]
) -> bool:
    """B is a crop of A near `box` (width, left, top as fractions of A): the refinement and checks
    of _cropped without its search over every width (for a box already found by its hash)."""
    width, left, top = box
    height = width * aspect_a / aspect_b
    if height > 1.0:  # B's own shape, as tall as A at most
        width, height = aspect_b / aspect_a, 1.0
    start = (width, min(max(left, 0.0), 1.0 - width), min(max(top, 0.0), 1.0 - height))
    a = luma_a.astype(np.float32)
    return _refined_crop(a, aspect_a, luma_b.astype(np.float32), aspect_b, gaussian_filter(a, 0.7), start)


def _refined_crop(
    luma_a: np.ndarray,
    aspect_a: float,
    luma_b: np.ndarray,
    aspect_b: float,
    blurred: np.ndarray,
    start_box: tuple[float, float, float],
) -> bool:
    """Climb from `start_box` (width, left, top) to the best place to a quarter pixel; there the
    box must leave at most MAX_CROP_AREA of A and its gradients correlate as a copy's."""
    target = _shrunk(luma_b)
    score, (width, x, y) = -1.0, start_box
    for step in (1.0 / _SIDE, 0.5 / LUMA_SIDE, 0.25 / LUMA_SIDE):  # climb, in ever finer steps
        for _ in range(4):
            start = (width, x, y)
            for dw, dx, dy in _MOVES:
                w = start[0] + dw * step
                h = w * aspect_a / aspect_b
                left, top = start[1] + dx * step, start[2] + dy * step
                if min(left, top) < 0 or left + w > 1 or top + h > 1:
                    continue
                candidate = _correlation(_box(blurred, left, top, w, h), target)
                if candidate > score:
                    score, width, x, y = candidate, w, left, top
            if (width, x, y) == start:
                break
    height = width * aspect_a / aspect_b
    if score < 0 or width * height > MAX_CROP_AREA:
        return False  # lines up best with (nearly) the whole picture: moved, not cropped
    return gradient_correlation(_box(luma_a, x, y, width, height), target) >= MIN_CROP_STRUCTURE


def correlator(image: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """A function giving a template's normalised cross-correlation with each window of `image` it
    fits in (what skimage's match_template gives without padding). Written out because the pictures
    are 32x32: the FFT route costs ~0.6 ms a call in overhead and importing scikit-image 1.4 s; here
    the window sums come from summed-area tables made once per image."""
    tables = []
    for values in (image.astype(np.float64), image.astype(np.float64) ** 2):
        table = np.zeros((values.shape[0] + 1, values.shape[1] + 1))
        table[1:, 1:] = values.cumsum(axis=0).cumsum(axis=1)
        tables.append(table)

    def window_sums(table: np.ndarray, h: int, w: int) -> np.ndarray:
        sums: np.ndarray = table[h:, w:] - table[:-h, w:] - table[h:, :-w] + table[:-h, :-w]
        return sums

    def correlate(template: np.ndarray) -> np.ndarray:
        h, w = template.shape
        centred = template - template.mean()
        sums, squares = window_sums(tables[0], h, w), window_sums(tables[1], h, w)
        products = np.einsum("ijkl,kl->ij", sliding_window_view(image, (h, w)), centred)
        spread = np.sqrt(np.maximum(squares - sums * sums / template.size, 0.0) * float((centred * centred).sum()))
        scores: np.ndarray = np.where(spread > 1e-6, products / np.maximum(spread, 1e-6), 0.0)
        return scores

    return correlate


def _shrunk(luma: np.ndarray) -> np.ndarray:
    return np.asarray(Image.fromarray(luma).resize((_SIDE, _SIDE), Image.Resampling.BOX), dtype=np.float32)


def _box(luma: np.ndarray, x: float, y: float, width: float, height: float) -> np.ndarray:
    """The box (fractions of the picture) sampled at _SIDE x _SIDE points, bilinearly."""
    steps = (np.arange(_SIDE) + 0.5) / _SIDE
    rows = (y + steps * height) * LUMA_SIDE - 0.5
    columns = (x + steps * width) * LUMA_SIDE - 0.5
    grid_rows, grid_columns = np.meshgrid(rows, columns, indexing="ij")
    sampled: np.ndarray = map_coordinates(luma, [grid_rows, grid_columns], order=1, mode="nearest")
    return sampled


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a - a.mean(), b - b.mean()
    return float((a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum() + 1e-9))


def gradient_correlation(a: np.ndarray, b: np.ndarray) -> float:
    def gradients(x: np.ndarray) -> np.ndarray:
        return np.stack([np.diff(x, axis=1)[:-1, :], np.diff(x, axis=0)[:, :-1]])

    return _correlation(gradients(a.astype(np.float32)), gradients(b.astype(np.float32)))
