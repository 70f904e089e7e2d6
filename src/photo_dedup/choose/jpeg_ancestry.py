"""Which copy was made from which JPEG: the quantisation a JPEG leaves in every file made from it.

A JPEG stores each 8x8 block's DCT coefficients as whole multiples of its quantisation table's
steps. A file made from that JPEG's pixels (saved as PNG, TIFF or WebP, or as a JPEG again at
any quality) still holds those multiples: its own block DCT, divided by the source's steps, lands
near whole numbers. A file made the other way (the JPEG made from it), or from elsewhere, lands
anywhere: the distance to the nearest whole number averages 0.25. This is the strongest evidence
of "made from" there is (higher JPEG quality or a lossless format never adds what the source lost),
and it needs the full pictures, so it runs in the gather step, only where a group's keeper would
otherwise be another member of a JPEG's size: at most `MAX_TESTS_A_GROUP` decodes a group.

Measured on the real-world corpus (benchmarks/jpeg_ancestry.py, the median of those distances): of
137 same-size copy pairs with a JPEG, 42 read as made from it (0.015 to 0.1), the others 0.2 to 0.4;
two edits of one shot, neither made from the other, 0.17 or more; two JPEGs saved with one table
give no evidence (their own steps explain each other's), whatever their pictures.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence

import numpy as np
from PIL import Image
from scipy.fft import dctn

from photo_dedup.choose.keeper import colour_mode
from photo_dedup.fingerprint.decode import apply_orientation
from photo_dedup.shapes import Photo

log = logging.getLogger(__name__)

MAX_LATTICE_DISTANCE = 0.1  # mean distance to the source's whole multiples; unrelated: ~0.25
MIN_STEP = 10  # steps finer than this are within a re-encoding's noise
MIN_COEFFICIENTS = 400  # fewer nonzero coefficients on coarse steps: no evidence either way
MAX_TESTS_A_GROUP = 4
_MAX_PIXELS = 40_000_000


def lattice_distance(luma: np.ndarray, steps: np.ndarray, own_steps: np.ndarray | None = None) -> float | None:
    """Median distance of the picture's block DCT coefficients (Y, level-shifted) to whole multiples
    of `steps` (8x8, natural order), over the coarse steps' nonzero multiples; None when too few.

    A JPEG's own steps (`own_steps`) explain multiples of themselves: only the positions where its
    own steps are at most half the tested ones say anything (two JPEGs saved with one table hold
    each other's steps whatever their pictures)."""
    height, width = (luma.shape[0] // 8) * 8, (luma.shape[1] // 8) * 8
    blocks = luma[:height, :width].astype(np.float32) - 128.0
    blocks = blocks.reshape(height // 8, 8, width // 8, 8).transpose(0, 2, 1, 3)
    ratio = dctn(blocks, axes=(2, 3), norm="ortho") / steps
    telling = steps >= MIN_STEP
    if own_steps is not None:
        telling &= own_steps <= steps / 2
    coarse = np.broadcast_to(telling, ratio.shape)
    nearest = np.rint(ratio)
    counted = coarse & (nearest != 0)
    if counted.sum() < MIN_COEFFICIENTS:
        return None
    return float(np.median(np.abs(ratio - nearest)[counted]))


def luma_table(path: str) -> np.ndarray | None:
    """The JPEG's luma quantisation table in natural order, or None (not a baseline JPEG table)."""
    try:
        with Image.open(path) as im:
            tables = getattr(im, "quantization", None)
            if im.format != "JPEG" or not tables or 0 not in tables or len(tables[0]) != 64:
                return None
            return np.asarray(tables[0], dtype=np.float32).reshape(8, 8)  # Pillow gives natural order
    except (OSError, ValueError):
        return None


def _upright_luma(photo: Photo) -> np.ndarray | None:
    path = photo["path"]
    try:
        if os.stat(path).st_size != int(photo["size"]):
            return None  # changed since its fingerprint: no evidence from it
        with Image.open(path) as im:
            if im.width * im.height > _MAX_PIXELS:
                return None
            im.load()
            upright = apply_orientation(im, photo.get("orientation"))
            return np.asarray(upright.convert("RGB").convert("YCbCr"))[:, :, 0]
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        log.info("%s: not read for its JPEG ancestry (%s)", path, error)
        return None


def made_from(candidate: Photo, jpeg: Photo, cache: dict[str, np.ndarray | None]) -> bool:
    """Whether `candidate` holds `jpeg`'s quantisation while `jpeg` does not hold the candidate's."""
    steps = luma_table(jpeg["path"])
    if steps is None:
        return False
    for photo in (candidate, jpeg):
        if photo["path"] not in cache:
            cache[photo["path"]] = _upright_luma(photo)
    luma = cache[candidate["path"]]
    if luma is None or luma.shape != (int(jpeg["height"]), int(jpeg["width"])):
        return False
    own_steps = luma_table(candidate["path"]) if candidate["format"] == "JPEG" else None
    if candidate["format"] == "JPEG" and own_steps is None:
        return False
    distance = lattice_distance(luma, steps, own_steps)
    if distance is None or distance > MAX_LATTICE_DISTANCE:
        return False
    jpeg_luma = cache[jpeg["path"]]
    if own_steps is not None and jpeg_luma is not None:  # each holding the other's: no order
        back = lattice_distance(jpeg_luma, own_steps, steps)
        if back is not None and back <= MAX_LATTICE_DISTANCE:
            return False
    return True


def mark_made_from_jpeg(best_first: Sequence[Photo]) -> bool:
    """Mark the leading member as a conversion when its pixels hold a lower-ranked JPEG member's
    quantisation (the JPEG it was made from). Returns whether a member was marked (re-rank then)."""
    leader = best_first[0]
    if leader.get("conversion") or leader["format"] == "RAW":
        return False
    if (
        leader["format"] == "JPEG"
        and colour_mode(leader["path"]) == "CMYK"
        and any(colour_mode(p["path"]) != "CMYK" for p in best_first[1:])
    ):
        leader["conversion"] = "a CMYK JPEG (made for print: no camera writes one) beside one in RGB"
        return True
    cache: dict[str, np.ndarray | None] = {}
    tested = 0
    for other in best_first[1:]:
        if other["format"] != "JPEG" or other.get("digest") == leader.get("digest"):
            continue
        if (int(other["width"]), int(other["height"])) != (int(leader["width"]), int(leader["height"])):
            continue
        if other.get("orientation") not in (None, 1) or other.get("conversion"):
            continue  # its blocks lie on its stored grid, not the upright one
        if tested == MAX_TESTS_A_GROUP:
            break
        tested += 1
        if made_from(leader, other, cache):
            name = os.path.basename(other["path"])
            leader["conversion"] = f"made from {name}: its pixels hold that JPEG's quantisation"
            return True
    return False
