"""Files of one picture, pixel for pixel: which of them to keep.

Two files whose decoded pixels are identical (a PNG and an uncompressed TIFF of one picture, a JPEG
and its very data inside a TIFF, one JPEG's data under other headers) hold the same picture: the
pixels give no evidence that either was made from the other, and keeping either loses no pixel.
Of such twins the one that holds more is kept: the longer embedded video (a motion photo; a copy
cut short holds less of it), then more metadata (capture time, camera, GPS, software; then the bytes
of EXIF, XMP, IPTC and text it carries: a caption, keywords, a copyright), then more after a JPEG's
picture (an HDR gain map, a preview, a video of a kind not recognised), then the smaller file (the
same picture and metadata in fewer bytes: more is reclaimed, nothing is lost). The format rules
would otherwise keep an uncompressed TIFF over the PNG it holds the pixels of, and a TIFF that wraps
a JPEG's data over that JPEG with its metadata.

It runs in the gather step, for a group's leader only, against members of its size whose formats
can hold the same pixels (lossless files, JPEGs with one quantisation table, a JPEG and a TIFF): at
most MAX_TESTS_A_GROUP full decodes a group.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from photo_dedup.choose.jpeg_ancestry import luma_table
from photo_dedup.choose.keeper import embedded_video, format_score, present
from photo_dedup.fingerprint.decode import apply_orientation
from photo_dedup.fingerprint.formats import LOSSLESS_FORMATS
from photo_dedup.shapes import Photo

log = logging.getLogger(__name__)

MAX_TESTS_A_GROUP = 3
_MAX_PIXELS = 40_000_000
_LOSSLESS = LOSSLESS_FORMATS - {"RAW"}  # a RAW is never a twin: it is never removed for one
# what a PIL mode is compared as: a palette by its colours, one bit as grey
_COMPARED_MODE = {"P": "RGBA", "PA": "RGBA", "1": "L"}


def _comparable(leader: Photo, other: Photo, leader_steps: np.ndarray | None) -> bool:
    """Whether the two files can hold the same pixels, by what their headers say (`leader_steps`:
    the leader's luma quantisation table, if a JPEG)."""
    if (int(other["width"]), int(other["height"])) != (int(leader["width"]), int(leader["height"])):
        return False
    if other.get("digest") == leader.get("digest") or other.get("conversion"):
        return False
    formats = {leader["format"], other["format"]}
    if formats <= _LOSSLESS or formats == {"JPEG", "TIFF"}:
        return True
    if formats == {"JPEG"}:  # one JPEG's data: one quantisation table
        other_steps = luma_table(other["path"])
        return leader_steps is not None and other_steps is not None and np.array_equal(leader_steps, other_steps)
    return False


@dataclass(frozen=True)
class Pixels:
    """A file's picture as shown, and the bytes of metadata it carries besides."""

    mode: str
    icc: bytes | None
    array: np.ndarray
    metadata_bytes: int  # EXIF, XMP, IPTC, text chunks and comments, as the file holds them
    after_picture: int  # bytes after a JPEG's picture (its first end-of-image marker): a gain map, a video


def upright_pixels(photo: Photo) -> Pixels | None:
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
            array = np.asarray(upright.convert(mode) if mode != upright.mode else upright)
            return Pixels(
                mode, icc, array, _metadata_bytes(im), _bytes_after_picture(path) if im.format == "JPEG" else 0
            )
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        log.info("%s: not read for its pixels (%s)", path, error)
        return None


def _metadata_bytes(im: Image.Image) -> int:
    """How many bytes of metadata the file carries: EXIF, XMP, IPTC, comments, PNG text chunks and the
    TIFF tags that hold them (a caption, keywords, a copyright: what a copy knows beyond its pixels)."""
    held = [im.info.get(key) for key in ("exif", "xmp", "XML:com.adobe.xmp", "comment", "photoshop")]
    held += list(getattr(im, "text", {}).values()) if im.format == "PNG" else []
    tags = getattr(im, "tag_v2", None)
    if tags is not None:  # TIFF: description, artist, copyright, XMP, IPTC, EXIF's own IFD
        held += [tags.get(tag) for tag in (270, 315, 33432, 700, 33723, 34665)]
    return sum(len(value) if isinstance(value, (bytes, str)) else len(str(value)) for value in held if value)


def _bytes_after_picture(path: str) -> int:
    """The bytes after a JPEG's first picture: its segments are walked to the scan, and the scan's
    data (where a 0xFF is always followed by 0x00 or a restart marker) ends at the first 0xFFD9."""
    data = Path(path).read_bytes()
    at = 2
    while at + 4 <= len(data) and data[at] == 0xFF:
        marker, length = data[at + 1], int.from_bytes(data[at + 2 : at + 4], "big")
        if marker == 0xDA:  # start of scan: the picture's data follows its header
            end = data.find(b"\xff\xd9", at + 2 + length)
            return 0 if end < 0 else len(data) - end - 2
        at += 2 + length
    return 0


def same_pixels(a: Pixels, b: Pixels) -> bool:
    return (a.mode, a.icc) == (b.mode, b.icc) and np.array_equal(a.array, b.array)


def _holds(photo: Photo, pixels: Pixels) -> tuple[int, int, int, int, int]:
    """What a twin holds beyond its pixels, most first: a longer video, more metadata facts, more
    bytes of metadata, more after a JPEG's picture (a gain map, a preview, a video cut short or of a
    kind not recognised); then the smaller file (the same in fewer bytes)."""
    video = embedded_video(photo)
    facts = sum(present(photo.get(field)) for field in ("taken", "make", "model", "software", "has_gps"))
    return (video, facts, pixels.metadata_bytes, pixels.after_picture, -int(photo["size"]))


def _why(best: Photo, twin: Photo, held: tuple[int, ...], other: tuple[int, ...]) -> str:
    """Why `best` is kept over its twin, in the words of the keeper's reason."""
    name = os.path.basename(twin["path"])
    if held[0] != other[0]:
        return (
            f"the same pixels as {name}, and a video besides (a motion photo)"
            if not other[0]
            else (f"the same pixels as {name}, and a longer video ({held[0]:,} vs {other[0]:,} bytes)")
        )
    if held[1:3] != other[1:3]:
        return f"the same pixels as {name}, and more metadata"
    if held[3] != other[3]:
        return (
            f"the same pixels as {name}, and more after them ({held[3]:,} vs {other[3]:,} bytes: a gain map, a preview)"
        )
    return f"the same pixels as {name}, in a smaller file ({int(best['size']):,} vs {int(twin['size']):,} bytes)"


def mark_pixel_twins(best_first: Sequence[Photo]) -> bool:
    """Mark, among the leader and its members of identical pixels, every twin but the one that holds
    most (`twin_of`: why that one is kept over it); the format rule ranks a marked twin just below
    that one. Returns whether a twin that led was marked (re-rank then)."""
    leader = best_first[0]
    if leader.get("conversion") or leader.get("twin_of") or leader["format"] == "RAW":
        return False
    leader_steps = luma_table(leader["path"]) if leader["format"] == "JPEG" else None
    others = [o for o in best_first[1:] if not o.get("twin_of") and _comparable(leader, o, leader_steps)]
    if not others:
        return False
    pixels = upright_pixels(leader)
    if pixels is None:
        return False
    found = [(other, upright_pixels(other)) for other in others[:MAX_TESTS_A_GROUP]]
    twins = [(other, seen) for other, seen in found if seen is not None and same_pixels(pixels, seen)]
    if not twins:
        return False
    members = [(leader, pixels), *twins]
    held = {id(photo): _holds(photo, seen) for photo, seen in members}
    best = max((photo for photo, _ in members), key=lambda photo: held[id(photo)])  # the leader on a tie
    for twin, _ in members:
        if twin is not best:
            twin["twin_of"] = _why(best, twin, held[id(best)], held[id(twin)])
            twin["twin_rank"] = format_score(best) - 0.5
    return best is not leader
