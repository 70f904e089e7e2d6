"""A photo placed whole in a larger picture (a collage, the photo twice side by side, a canvas of
other pictures), told from a crop of a larger photo by the seam at the box's edges.

The crop search (crop_candidates) finds the smaller photo inside the larger one either way, and the
pixels of the box are the same. What differs is the box's edge inside the larger picture: a crop's
picture goes on across it as between any two neighbouring lines of a photo, while a pasted picture
meets whatever lies beside it with a step. On the larger photo's 64x64 grey picture, each side of the
box that lies inside the picture (not on its border) is measured: the mean step across it (the line
inside against the line outside), over the box's typical step between two neighbouring lines (the
median, plus one grey level). A seam on every inner side makes the box a pasted photo.
Measured on the real-world corpus (benchmarks/real_world.py): the crops found in it (ImageOps.fit,
photoprism's left, centre and right thumbnails) 0.14 to 1.14; Pillow's merged_hopper.webp (the photo
twice side by side) 2.59; padded photos (found as pads before this is asked) 1.0 to 4.4. On
scikit-image's 8 photos, 80 crop boxes (halves, 60 %, 70 % and 75 % boxes, centred or at an edge):
1.97 at most (a half of the astronaut cut along an edge of the picture), 1.65 at the 95th percentile,
and 0.65 at most where two or more sides lie inside; 15 collages (a square of one photo beside
another) 1.57 to 7.7: where the neighbouring picture goes on much like the photo's own edge, a
collage reads as a crop (7 of the 15 do). Either way both photos are kept; only which one leads
their group and the words said of it follow from this.
Cost: a few 64-pixel lines a side, once a crop is found.
"""

from __future__ import annotations

import numpy as np

from photo_dedup.fingerprint.signature import LUMA_SIDE

MIN_SEAM = 2.2  # step across a box's edge over its typical step: crops 1.97 at most, the merged photo 2.59
_MIN_LINES = 4  # a box narrower than this (in the 64x64 picture) has no typical step to speak of


def _step(lines: np.ndarray, edge: float, inside: slice) -> float:
    """The mean step across the line at `edge` (in lines, fractional) of `lines` (a line a row), over
    the median step between two lines as far apart inside the box (`inside`). An edge between two
    lines compares those; an edge that cuts a line (which holds some of both pictures) the two
    lines either side of it."""
    before, after = (int(edge) - 1, int(edge)) if edge == int(edge) else (int(edge) - 1, int(edge) + 1)
    gap = after - before
    box = lines[inside]
    across = float(np.abs(lines[after] - lines[before]).mean())
    typical = float(np.median(np.abs(box[gap:] - box[:-gap]).mean(axis=1)))
    return across / (typical + 1.0)


def seam_steps(luma: np.ndarray, box: tuple[float, float, float, float]) -> list[float]:
    """The step across each side of `box` (left, top, width, height, fractions of the picture)
    that lies inside the 64x64 picture, over the box's typical step between lines as far apart."""
    left, top, width, height = (value * LUMA_SIDE for value in box)
    x = luma.astype(np.float32)
    columns = slice(int(np.ceil(left)), int(np.floor(left + width)))
    rows = slice(int(np.ceil(top)), int(np.floor(top + height)))
    if min(columns.stop - columns.start, rows.stop - rows.start) < _MIN_LINES:
        return []
    steps = []
    for edge, lines, inside in (
        (top, x[:, columns], rows),
        (top + height, x[:, columns], rows),
        (left, x[rows, :].T, columns),
        (left + width, x[rows, :].T, columns),
    ):
        if 1.0 <= edge <= LUMA_SIDE - 1.0:
            steps.append(_step(lines, edge, inside))
    return steps


def placed_whole(luma: np.ndarray, box: tuple[float, float, float, float]) -> bool:
    """The box of the larger photo's 64x64 grey picture is a photo pasted into it: a seam on every
    side of it inside the picture (a box on no inner side, the whole picture, is no paste)."""
    steps = seam_steps(luma, box)
    return bool(steps) and min(steps) >= MIN_SEAM
