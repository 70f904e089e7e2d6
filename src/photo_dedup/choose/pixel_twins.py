"""Files of one picture, pixel for pixel: which of them to keep.

Two files whose decoded pixels are identical (a PNG and an uncompressed TIFF of one picture, a JPEG
and its very data inside a TIFF, one JPEG's data under other headers) hold the same picture: the
pixels give no evidence that either was made from the other, and keeping either loses no pixel.
Of such twins the one that holds more is kept: an embedded video (a motion photo) first, then more
metadata (capture time, camera, GPS, software), then the smaller file (the same picture in fewer
bytes: more is reclaimed, nothing is lost). The format rules would otherwise keep an uncompressed
TIFF over the PNG it holds the pixels of, and a TIFF that wraps a JPEG's data over that JPEG with
its metadata.

It runs in the gather step, for a group's leader only, against members of its size whose formats
can hold the same pixels (lossless files, JPEGs with one quantisation table, a JPEG and a TIFF): at
most MAX_TESTS_A_GROUP full decodes a group.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence

import numpy as np
from PIL import Image

from photo_dedup.choose.jpeg_ancestry import luma_table
from photo_dedup.choose.keeper import format_score, number, present
from photo_dedup.fingerprint.decode import apply_orientation
from photo_dedup.match.photo_table import PhotoRecord

log = logging.getLogger(__name__)

MAX_TESTS_A_GROUP = 3
_MAX_PIXELS = 40_000_000
_LOSSLESS = frozenset({"PNG", "TIFF", "BMP"})
# what a PIL mode is compared as: a palette by its colours, one bit as grey
_COMPARED_MODE = {"P": "RGBA", "PA": "RGBA", "1": "L"}


def _comparable(leader: PhotoRecord, other: PhotoRecord) -> bool:
    """Whether the two files can hold the same pixels, by what their headers say."""
    if (int(other["width"]), int(other["height"])) != (int(leader["width"]), int(leader["height"])):
        return False
    if other.get("digest") == leader.get("digest") or other.get("conversion"):
        return False
    formats = {leader["format"], other["format"]}
    if formats <= _LOSSLESS or formats == {"JPEG", "TIFF"}:
        return True
    if formats == {"JPEG"}:  # one JPEG's data: one quantisation table
        steps, other_steps = luma_table(leader["path"]), luma_table(other["path"])
        return steps is not None and other_steps is not None and np.array_equal(steps, other_steps)
    return False


def upright_pixels(photo: PhotoRecord) -> tuple[str, bytes | None, np.ndarray] | None:
    """The photo's pixels as shown (its orientation applied), their mode and ICC profile; None when
    it cannot be read, is too large, or changed since its fingerprint."""
    path = photo["path"]
    try:
        if os.stat(path).st_size != int(photo["size"]):
            return None
        with Image.open(path) as im:
            if im.width * im.height > _MAX_PIXELS or getattr(im, "n_frames", 1) > 1:
                return None
            im.load()
            icc = im.info.get("icc_profile") or None
            upright = apply_orientation(im, photo.get("orientation"))
            mode = _COMPARED_MODE.get(upright.mode, upright.mode)
            return mode, icc, np.asarray(upright.convert(mode) if mode != upright.mode else upright)
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        log.info("%s: not read for its pixels (%s)", path, error)
        return None


def same_pixels(a: tuple[str, bytes | None, np.ndarray] | None, b: tuple[str, bytes | None, np.ndarray] | None) -> bool:
    return a is not None and b is not None and a[0] == b[0] and a[1] == b[1] and np.array_equal(a[2], b[2])


def _holds(photo: PhotoRecord) -> tuple[int, int, int]:
    """What a twin holds beyond its pixels, larger first: a video, metadata, fewer bytes."""
    video = int(number(photo.get("embedded_video")) or 0)
    facts = sum(present(photo.get(field)) for field in ("taken", "make", "model", "software", "has_gps"))
    return (int(video > 0), facts, -int(photo["size"]))


def _why(best: PhotoRecord, twin: PhotoRecord) -> str:
    """Why `best` is kept over its twin, in the words of the keeper's reason."""
    name = os.path.basename(twin["path"])
    held, other = _holds(best), _holds(twin)
    if held[0] != other[0]:
        return f"the same pixels as {name}, and a video besides (a motion photo)"
    if held[1] != other[1]:
        return f"the same pixels as {name}, and more metadata"
    return f"the same pixels as {name}, in a smaller file ({int(best['size']):,} vs {int(twin['size']):,} bytes)"


def mark_pixel_twins(best_first: Sequence[PhotoRecord]) -> bool:
    """Mark, among the leader and its members of identical pixels, every twin but the one that holds
    most (`twin_of`: why that one is kept over it); the format rule ranks a marked twin just below
    that one. Returns
    whether a twin that led was marked (re-rank then)."""
    leader = best_first[0]
    if leader.get("conversion") or leader.get("twin_of") or leader["format"] == "RAW":
        return False
    others = [other for other in best_first[1:] if not other.get("twin_of") and _comparable(leader, other)]
    if not others:
        return False
    pixels = upright_pixels(leader)
    twins = [other for other in others[:MAX_TESTS_A_GROUP] if same_pixels(pixels, upright_pixels(other))]
    if not twins:
        return False
    best = max([leader, *twins], key=_holds)  # the leader on a tie (max keeps the first)
    for twin in [leader, *twins]:
        if twin is not best:
            twin["twin_of"] = _why(best, twin)
            twin["twin_rank"] = format_score(best) - 0.5
    return best is not leader
