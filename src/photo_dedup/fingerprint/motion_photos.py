"""Motion photos: a still with a video inside, which no copy of its picture holds.

Google's and Samsung's motion photos, and any JPEG or HEIC with an MP4 appended, carry the video as
an ISO media file after the picture: its first box is `ftyp` with a video brand. A file holding one
is never removed for a copy without it (companions.keep_motion_photos), and among files of the same
pixels it is the one kept (pixel_twins). The bytes are read as the fingerprint step hashes them, so
finding the video costs no extra read.
"""

from __future__ import annotations

# Major brands of ISO media files that hold video (MP4, QuickTime, 3GPP); a HEIC or AVIF file's own
# first box names an image brand (heic, mif1, avif) and starts at byte 4, which is never searched.
VIDEO_BRANDS = frozenset(
    {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"qt  ", b"3gp4", b"3gp5", b"3g2a"}
    | {b"M4V ", b"MSNV", b"dash", b"mp4v"}
)
MIN_VIDEO_BYTES = 1024  # less cannot hold a frame of video: a stray "ftyp" in metadata
_MAX_FTYP_BOX = 512  # the ftyp box is 16 to ~40 bytes: its brand and a few compatible ones
_OVERLAP = 16  # bytes carried from one block to the next, so a box split between them is found


class AppendedVideo:
    """Finds a video inside a photo file, fed the file's bytes block by block (see file_digest)."""

    def __init__(self) -> None:
        self._read = 0
        self._tail = b""
        self._start: int | None = None

    def feed(self, block: bytes) -> None:
        if self._start is None:
            data = self._tail + block
            self._start = _video_box(data, self._read - len(self._tail))
            self._tail = data[-_OVERLAP:]
        self._read += len(block)

    @property
    def video_bytes(self) -> int:
        """The bytes of the video found (from its first box to the end of the file), or 0."""
        if self._start is None or self._read - self._start < MIN_VIDEO_BYTES:
            return 0
        return self._read - self._start


def _video_box(data: bytes, base: int) -> int | None:
    """Where in the file (`data` starts at `base`) a video's ftyp box starts, if `data` holds one; the
    search starts past the first 4 bytes (the file's own first box: a HEIC's, or the overlap with the
    last block, searched then)."""
    at = data.find(b"ftyp", 4)
    while at >= 0:
        size = int.from_bytes(data[at - 4 : at], "big")
        brand = data[at + 4 : at + 8]
        if 8 <= size <= _MAX_FTYP_BOX and brand in VIDEO_BRANDS:
            return base + at - 4
        at = data.find(b"ftyp", at + 1)
    return None


def embedded_video_bytes(path: str) -> int:
    """The bytes of the video a photo file holds, 0 for none (reads the whole file)."""
    finder = AppendedVideo()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            finder.feed(block)
    return finder.video_bytes
