"""Which file names are photos, videos or something else, and how formats rank."""

from __future__ import annotations

from pathlib import PurePath

RAW_EXTENSIONS = frozenset(
    [
        ".3fr",
        ".ari",
        ".arw",
        ".bay",
        ".cr2",
        ".cr3",
        ".crw",
        ".dcr",
        ".dcs",
        ".dng",
        ".erf",
        ".fff",
        ".iiq",
        ".k25",
        ".kdc",
        ".mef",
        ".mos",
        ".mrw",
        ".nef",
        ".nrw",
        ".orf",
        ".pef",
        ".raf",
        ".raw",
        ".rw2",
        ".rwl",
        ".sr2",
        ".srf",
        ".srw",
        ".x3f",
    ]
)
HEIF_EXTENSIONS = frozenset([".heic", ".heif", ".hif", ".avif"])
PILLOW_EXTENSIONS = frozenset(
    [".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".tif", ".tiff", ".webp", ".gif", ".bmp", ".dib", ".jp2", ".j2k", ".jxl"]
)
PHOTO_EXTENSIONS = RAW_EXTENSIONS | HEIF_EXTENSIONS | PILLOW_EXTENSIONS
VIDEO_EXTENSIONS = frozenset(
    [".mov", ".mp4", ".m4v", ".avi", ".mkv", ".mts", ".m2ts", ".3gp", ".wmv", ".mpg", ".mpeg", ".webm"]
)

# Higher is more "original": a camera RAW beats a lossless export beats a lossy one.
FORMAT_RANK = {
    "RAW": 6,
    "TIFF": 5,
    "PNG": 4,
    "HEIF": 3,
    "AVIF": 3,
    "JPEG": 2,
    "JXL": 2,
    "JPEG2000": 2,
    "WEBP": 1,
    "BMP": 1,
    "GIF": 0,
}
LOSSLESS_FORMATS = frozenset({"RAW", "TIFF", "PNG", "BMP"})
# Formats whose extra frames are part of the picture: animations (GIF, WebP, APNG) and multi-page TIFFs.
MULTI_FRAME_FORMATS = frozenset({"GIF", "WEBP", "PNG", "TIFF"})


def kind_of(path: str | PurePath) -> str:
    """Return "photo", "video" or "other" from a file name's extension."""
    suffix = PurePath(path).suffix.lower()
    if suffix in PHOTO_EXTENSIONS:
        return "photo"
    if suffix in VIDEO_EXTENSIONS:
        return "video"
    return "other"


def is_raw(path: str | PurePath) -> bool:
    """True when the extension is a camera RAW format LibRaw reads."""
    return PurePath(path).suffix.lower() in RAW_EXTENSIONS


def format_rank(fmt: str | None) -> int:
    """Rank of a format name as written in sidecars (higher = more original)."""
    return FORMAT_RANK.get((fmt or "").upper(), 0)
