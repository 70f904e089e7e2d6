"""Bursts and retakes found by camera and time, whatever their hashes.

A burst neighbour or a retake a few seconds later is the same scene, moved: the camera panned,
the subject turned. Moved by a tenth of the frame, its hashes are far from the other's (two
iPhone frames 2 s apart: 22 bits of pHash), so the candidate search misses it. Here the photos of
one camera (make and model) are sorted by capture time, and each is paired with the next ones
taken within `SIMILAR_SECONDS` (at most `MAX_NEIGHBOURS`). A pair is similar when the centre of
one, `CENTRE` of its width and height, is found in the other, shifted anywhere, at a normalised
correlation of `MIN_SHIFTED_MATCH` or more (on the 32x32 grey pictures): the same scene, moved,
not another subject photographed in the same minute.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from PIL import Image

from photo_dedup.fingerprint.exif_facts import capture_seconds
from photo_dedup.match.photo_table import PhotoTable
from photo_dedup.match.same_moment_crops import correlator

SIMILAR_SECONDS = 60
MAX_NEIGHBOURS = 8  # a 10-frame burst is paired frame by frame, not each with all
CENTRE = 0.6
MIN_SHIFTED_MATCH = 0.8  # two iPhone frames 2 s apart: 0.89; 3,000 unrelated real-world pairs: 0.23 % above
_SIDE = 32


def _small(luma: np.ndarray) -> np.ndarray:
    return np.asarray(Image.fromarray(luma).resize((_SIDE, _SIDE), Image.Resampling.BOX), dtype=np.float32)


def shifted_match(luma_a: np.ndarray, luma_b: np.ndarray) -> float:
    """The best correlation of A's centre anywhere in B, or of B's centre anywhere in A."""
    small = [_small(luma_a), _small(luma_b)]
    margin = round(_SIDE * (1 - CENTRE) / 2)
    best = -1.0
    for whole, part in ((0, 1), (1, 0)):
        centre = small[part][margin:-margin, margin:-margin]
        best = max(best, float(correlator(small[whole])(centre).max()))
    return best


def burst_pairs(table: PhotoTable, photos: np.ndarray) -> np.ndarray:
    """Pairs (sorted) of `photos` from one camera within a minute that show one scene, moved."""
    frame = table.photos
    cameras: dict[tuple[str, str], list[tuple[float, int]]] = defaultdict(list)
    for index in photos.tolist():
        make, model, taken = frame.at[index, "make"], frame.at[index, "model"], frame.at[index, "taken"]
        seconds = capture_seconds(taken)
        if seconds is not None and isinstance(make, str) and make and isinstance(model, str):
            cameras[(make, model)].append((seconds, index))
    found = []
    for shots in cameras.values():
        shots.sort()
        for position, (seconds, a) in enumerate(shots):
            for later, b in shots[position + 1 : position + 1 + MAX_NEIGHBOURS]:
                if later - seconds > SIMILAR_SECONDS:
                    break
                if shifted_match(table.luma[a], table.luma[b]) >= MIN_SHIFTED_MATCH:
                    found.append((min(a, b), max(a, b)))
    return np.array(sorted(set(found)), dtype=np.int64).reshape(-1, 2)
