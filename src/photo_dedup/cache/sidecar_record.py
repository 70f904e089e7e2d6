"""The sidecar: what the fingerprint step records of each photo, field by field.

A leaf module (no pandas, no decoders), so the fingerprint jobs and the gather step share one
definition. A photo that cannot be read has only the first group of fields and an `error`.
"""

from __future__ import annotations

from typing import Any, TypedDict


class Sidecar(TypedDict, total=False):
    # the file, as the scan saw it
    path: str
    size: int  # bytes
    mtime_ns: int
    digest: str  # SHA-256 of the bytes (absent when they cannot be read)
    embedded_video: int  # bytes of a video inside the file (a motion photo), 0 for none
    version: int  # FINGERPRINT_VERSION that wrote it
    error: str | None  # why the photo cannot be read; the fields below are then absent
    # the picture
    format: str
    width: int  # upright, in pixels
    height: int
    decoder: str  # how it was decoded ("draft", "full", "raw-preview", "heic-thumbnail", ...)
    # false: fingerprinted from a HEIC's embedded thumbnail, the main image not yet decoded (absent:
    # the main image was decoded, as in every sidecar written before the thumbnail stage)
    main_verified: bool
    thumbnail_distance: int | None  # verified: pHash bits between its thumbnail's fingerprint and its main image's
    jpeg_quality: int | None  # estimated from the quantisation tables
    jpeg_grid: float | None  # how strongly the pixels show JPEG's 8x8 grid
    frames: int  # frames of an animation, pages of a multi-page TIFF; 1 for a still (absent in old sidecars)
    tone_levels: int  # grey levels or palette colours of a bilevel, grey or palette photo; 256 for the rest
    thumbnail: str  # relative to the cache folder
    # EXIF (exif_facts.ExifFacts)
    taken: str | None
    make: str | None
    model: str | None
    orientation: int | None
    software: str | None
    has_gps: bool
    # the signature (signature.Signature)
    phash: str
    dhash: str
    luma64: str  # base64 of the 64x64 grey picture
    rgb4: str  # base64 of the 4x4 colour grid
    colourfulness: float


# A main image whose pHash is further than this from its thumbnail's shows another picture: an
# editor changed the photo and left its old thumbnail (a stale thumbnail).
STALE_BITS = 12


def is_stale(record: Any) -> bool:
    """A verified record whose main image shows another picture than its embedded thumbnail."""
    distance = record.get("thumbnail_distance")
    return isinstance(distance, int) and distance > STALE_BITS
