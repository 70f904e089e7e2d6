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
LOSSY_FORMATS = frozenset({"JPEG", "HEIF", "AVIF", "WEBP", "JXL", "JPEG2000"})
# The formats cameras and phones write; the rest (PNG, WebP, AVIF, GIF, BMP, JPEG XL) are exports.
CAMERA_FORMATS = frozenset({"JPEG", "HEIF", "TIFF", "RAW"})
# Formats whose extra frames are part of the picture: animations (GIF, WebP, APNG, AVIF), multi-page
# TIFFs and HEIFs of several images.
MULTI_FRAME_FORMATS = frozenset({"GIF", "WEBP", "PNG", "TIFF", "HEIF", "AVIF"})


def kind_of(path: str | PurePath) -> str:
    """Return "photo", "video" or "other" from a file name's extension."""
    suffix = PurePath(path).suffix.lower()
    if suffix in PHOTO_EXTENSIONS:
        return "photo"
    if suffix in VIDEO_EXTENSIONS:
        return "video"
    return "other"


# The first bytes of the photo formats this tool decodes, for files whose name does not say
# (no extension, or a wrong one): a JPEG named `mongolia` is a photo all the same.
_MAGIC = (
    (0, b"\xff\xd8\xff"),  # JPEG
    (0, b"\x89PNG\r\n\x1a\n"),
    (0, b"GIF87a"),
    (0, b"GIF89a"),
    (0, b"II*\x00"),  # TIFF, little-endian
    (0, b"MM\x00*"),  # TIFF, big-endian
    (0, b"\xff\x0a"),  # JPEG XL codestream
    (0, b"\x00\x00\x00\x0cJXL \r\n\x87\n"),  # JPEG XL container
    (0, b"\x00\x00\x00\x0cjP  \r\n\x87\n"),  # JPEG 2000
)
_HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif", b"avis")


def sniff_photo(path: str | PurePath) -> bool:
    """Whether a file's first bytes are those of a photo format this tool decodes (camera RAWs are
    told by their extension only: read as TIFF they would show only their preview)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(16)
    except OSError:
        return False
    if head.startswith(b"II*\x00") and head[8:10] == b"CR":  # a Canon CR2
        return False
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return True
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return True
    if head.startswith(b"BM"):
        return head[6:10] == b"\x00\x00\x00\x00"  # a bitmap's reserved bytes; text that starts with "BM" has none
    return any(head[offset : offset + len(magic)] == magic for offset, magic in _MAGIC)


def is_raw(path: str | PurePath) -> bool:
    """True when the extension is a camera RAW format LibRaw reads."""
    return PurePath(path).suffix.lower() in RAW_EXTENSIONS


def format_rank(fmt: str | None) -> int:
    """Rank of a format name as written in sidecars (higher = more original)."""
    return FORMAT_RANK.get((fmt or "").upper(), 0)
