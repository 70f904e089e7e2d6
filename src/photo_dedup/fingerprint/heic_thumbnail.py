"""Stage 1 for HEIC: fingerprint from the embedded thumbnail, after a check of the whole container.

A phone's 12 MP HEIC costs 0.3-0.6 s to decode (a grid of 512x512 HEVC tiles); its embedded
thumbnail (320x240 on an iPhone, 384x512 on a Samsung) 5-50 ms. The thumbnail is taken only where
pillow-heif's `draft()` accepts it as a scaled copy of the main image (same mode, aspect ratio, crop,
rotation and mirroring, no other colour profile) and its long side is at least MIN_THUMBNAIL_SIDE.

The thumbnail vouches for nothing about the main image, so every HEIC's container is checked first
(integrity.check_heif: the item table is inside the file, and every extent of the primary item and
of every grid tile it is made of lies inside the file): a file cut short is unreadable here, as
when its main image is decoded, even where its thumbnail (written before the tiles, as iPhones do)
still decodes. What the container check cannot see (tile data damaged in place, a thumbnail left
stale by an editor) the verify stage sees: it decodes the main image of every photo fingerprinted
here that lands in a candidate pair, before it can be kept over another or removed for one
(photo_dedup.main_images). The sidecar says which picture was used: `decoder: "heic-thumbnail"`
and `main_verified: false`.

Minimum size, measured (14 real camera photos, each thumbnail HEVC-encoded at quality 50 from the
full picture, against the main image's fingerprint at 320 px): pHash within 4 bits at every size
from 48 px up, but the 64x64 grey picture's gradients, which verification correlates (copies need
0.88), correlate at least 0.47 at 48 px, 0.69 at 64, 0.82 at 96, 0.92 at 160, 0.96 at 240 and 0.996
at 320. From 240 px a thumbnail fingerprint measures as a copy of its main image, so photos that
land in no candidate pair (and never get their main image decoded) still take part in the other
searches (crops, edits) as if decoded.
"""

from __future__ import annotations

from pathlib import PurePath

from PIL import Image

from photo_dedup.fingerprint import decode
from photo_dedup.fingerprint.decode import DecodedPhoto, UnreadablePhoto, decode_photo
from photo_dedup.fingerprint.exif_facts import read_exif_facts
from photo_dedup.fingerprint.integrity import MissingData, check_heif

THUMBNAIL_DECODER = "heic-thumbnail"
MIN_THUMBNAIL_SIDE = 240  # long side, in pixels (see the measurement above)
_HEIC_SUFFIXES = frozenset({".heic", ".heif", ".hif"})
_HEIC_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1")


def looks_like_heic(path: str) -> bool:
    """A HEIC by its name, or by its first bytes (a HEIC under another name)."""
    if PurePath(path).suffix.lower() in _HEIC_SUFFIXES:
        return True
    try:
        with open(path, "rb") as handle:
            head = handle.read(12)
    except OSError:
        return False
    return head[4:8] == b"ftyp" and head[8:12] in _HEIC_BRANDS


def decode_cheapest(path: str, size: int, max_pixels: int) -> DecodedPhoto:
    """The photo reduced for fingerprinting, from a HEIC's embedded thumbnail where one serves, else
    as decode.decode_photo decodes it.

    Raises:
        UnreadablePhoto: with a reason a person understands.
    """
    if looks_like_heic(path):
        found = decode_heic_thumbnail(path, size, max_pixels)
        if found is not None:
            return found
    return decode_photo(path, size, max_pixels)


def decode_heic_thumbnail(path: str, size: int, max_pixels: int) -> DecodedPhoto | None:
    """A HEIC's embedded thumbnail, upright and in sRGB, long side at most `size`; None where it has
    none that serves (the caller then decodes the main image).

    Raises:
        UnreadablePhoto: the container lacks data its main image needs (cut short, tables damaged),
            or the main image is over the pixel limit.
    """
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with Image.open(path) as im:
            if im.format != "HEIF":
                return None
            width, height = im.size
            decode._refuse_if_too_large(width, height)
            try:
                check_heif(path)
            except MissingData as error:
                raise UnreadablePhoto(error.reason("HEIC")) from error
            exif = read_exif_facts(im)
            icc = im.info.get("icc_profile")
            frames = decode.frame_count(im)  # a HEIC of several images holds more than its main one
            scale = MIN_THUMBNAIL_SIDE / max(width, height)
            wanted = (max(1, round(width * scale)), max(1, round(height * scale)))
            if scale >= 1 or im.draft("RGB", wanted) is None:
                return None
            small = decode._reduce(im, size)
            pending = decode._orientation_after_load(im)
    except UnreadablePhoto:
        raise
    except (Image.DecompressionBombError, MemoryError, *decode.DECODE_ERRORS):
        return None  # the main image's decode says what is wrong, in its words
    small = decode._to_srgb(small, icc)
    if pending in decode.SIDEWAYS_ORIENTATIONS:
        width, height = height, width
    upright = decode.apply_orientation(small, pending)
    return DecodedPhoto(upright, width, height, "HEIF", exif, THUMBNAIL_DECODER, frames=frames)
