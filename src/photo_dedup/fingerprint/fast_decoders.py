"""Faster decoders for pixels Pillow would decode alike, where they are proven alike (issue 23).

PNG: libspng (pyspng) decodes an 8-bit grey, RGB or RGBA PNG about 30 % faster than Pillow's zlib
and unfiltering (590 real test PNGs of Pillow, libvips, libjxl, PhotoPrism, pillow_heif, libwebp and
libavif: every array identical, 0.64 s against 0.91 s). Taken only where the result cannot differ
from Pillow's: no transparency chunk (libspng would add an alpha channel), no palette, no 1, 2, 4 or
16-bit samples (Pillow scales or narrows them), not animated, every metadata chunk before the image
data (Pillow reads those after it only when it loads the pixels, and the EXIF reader asks for them),
at most `_MAX_PIXELS` (the two copies alive at once: the decoded array and Pillow's image), every
chunk whole (its CRC right: the two decoders read a damaged stream differently, both without an
error), and an array of the very shape and type Pillow's would have. Anything else, and any error of libspng (a
damaged file among them), leaves the photo to Pillow as before, which decodes it or says why not.

Colour profiles: converting to sRGB builds a LittleCMS transform (5 ms on the real-world corpus, 7 %
of its fingerprint time), the same one for every photo of a camera or phone; `to_srgb` builds it
once a profile (and mode) and applies it as Pillow's profileToProfile would.
"""

from __future__ import annotations

import functools
import io
import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image, ImageCms, PngImagePlugin

try:
    import pyspng
except ImportError:  # Pillow decodes every PNG too
    pyspng = None

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_MODES = {0: "L", 2: "RGB", 6: "RGBA"}  # 8-bit colour types (grey with alpha: libspng refuses it)
_MAX_PIXELS = 16_000_000
_SRGB = ImageCms.createProfile("sRGB")


def preload(im: Image.Image, path: str) -> bool:
    """Decode the pixels of `im` (just opened from `path`, not loaded) with a faster decoder where
    its pixels are Pillow's own, and leave them in `im`, so that loading it has nothing left to do.

    Returns:
        Whether the pixels were decoded here (False: Pillow decodes them when asked, as before).
    """
    if isinstance(im, PngImagePlugin.PngImageFile) and pyspng is not None:
        return _preload_png(im, path)
    return False


def _preload_png(im: PngImagePlugin.PngImageFile, path: str) -> bool:
    limit = Image.MAX_IMAGE_PIXELS
    if im.width * im.height > min(_MAX_PIXELS, limit or _MAX_PIXELS) or len(im.tile) != 1:
        return False
    if "transparency" in im.info or getattr(im, "n_frames", 1) != 1:
        return False
    try:
        data = Path(path).read_bytes()
    except OSError:
        return False
    if not _plain_png(data, im.mode):
        return False
    try:
        pixels = pyspng.load(data)
    except Exception:  # noqa: BLE001 - libspng refuses it: Pillow decodes it, or says why not
        return False
    channels = {"L": 1, "RGB": 3, "RGBA": 4}[im.mode]
    shape = (im.height, im.width) if channels == 1 else (im.height, im.width, channels)
    if pixels.dtype != np.uint8 or pixels.shape != shape:
        return False
    im.im = Image.fromarray(np.ascontiguousarray(pixels)).im
    im.tile = []
    return True


def _plain_png(data: bytes, mode: str) -> bool:
    """An 8-bit grey, RGB or RGBA PNG (of `mode`, as Pillow opened it), whole (every chunk's CRC
    right), whose chunks after the first image data are image data only, then the end."""
    if not data.startswith(_PNG_SIGNATURE) or data[12:16] != b"IHDR" or len(data) < 33:
        return False
    if data[24] != 8 or _PNG_MODES.get(data[25]) != mode:
        return False
    position, in_data = 8, False
    while position + 8 <= len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        end = position + 8 + length
        if end + 4 > len(data) or zlib.crc32(data[position + 4 : end]) != struct.unpack(">I", data[end : end + 4])[0]:
            return False  # cut short or damaged: Pillow and libspng would read it differently
        if kind == b"IEND":
            return in_data
        if kind == b"IDAT":
            in_data = True
        elif in_data:
            return False  # a chunk after the image data: Pillow reads it only while loading
        position += 12 + length
    return False


def to_srgb(im: Image.Image, icc: bytes) -> Image.Image:
    """`ImageCms.profileToProfile(im, <icc>, sRGB, outputMode="RGB")`, the same pixels, with the
    transform built once for each profile and mode.

    Raises:
        ImageCms.PyCMSError: where the profile or the image cannot be transformed (as profileToProfile).
    """
    try:
        return _srgb_transform(icc, im.mode).apply(im)
    except (OSError, TypeError, ValueError) as error:
        raise ImageCms.PyCMSError(error) from error


@functools.lru_cache(maxsize=16)
def _srgb_transform(icc: bytes, mode: str) -> ImageCms.ImageCmsTransform:
    source, target = ImageCms.ImageCmsProfile(io.BytesIO(icc)), ImageCms.ImageCmsProfile(_SRGB)
    return ImageCms.ImageCmsTransform(
        source, target, mode, "RGB", ImageCms.Intent.PERCEPTUAL, flags=ImageCms.Flags.NONE
    )
