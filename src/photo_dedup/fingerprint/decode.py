"""Open any supported photo as a small, upright, sRGB image, as cheaply as possible.

Cost matters here (this runs once per photo): JPEGs are decoded with DCT
scaling (`Image.draft`), camera RAWs use their embedded JPEG preview when it
shows the same frame as the sensor image and fall back to a half-size
demosaic, and everything else is decoded once and reduced at once.

A photo is vouched for only by its main image, whole: a HEIF whose image data
ends past the end of the file, or a camera RAW whose sensor data LibRaw cannot
unpack (or that ends past the end of the file), is unreadable even where a
decoder would paint the missing part or a preview would still show
(integrity.py).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import pillow_heif
import pillow_jxl  # noqa: F401 - registers Pillow's JPEG XL plugin
import rawpy
from PIL import Image, ImageCms

from photo_dedup.fingerprint.exif_facts import ExifFacts, read_exif_facts
from photo_dedup.fingerprint.fast_decoders import preload, to_srgb
from photo_dedup.fingerprint.formats import MULTI_FRAME_FORMATS, is_raw
from photo_dedup.fingerprint.integrity import MissingData, check_heif, check_tiff
from photo_dedup.fingerprint.jpeg_grid import jpeg_grid_score

pillow_heif.register_heif_opener()

# Orientations 5-8 store the picture sideways: width and height swap once upright.
SIDEWAYS_ORIENTATIONS = frozenset({5, 6, 7, 8})


# What Pillow and its plugins raise on a file they cannot decode (a photo cut short, a bad header).
DECODE_ERRORS = (OSError, ValueError, SyntaxError, EOFError, RuntimeError, IndexError, TypeError)


class UnreadablePhoto(Exception):
    """A photo that cannot be decoded; the message is written for a person."""


@dataclass
class DecodedPhoto:
    """A photo reduced for fingerprinting.

    Attributes:
        image: RGB, upright (EXIF orientation applied), long side <= the asked size.
        width, height: full size of the upright photo in pixels.
        format: file format as found in the file ("JPEG", "PNG", "HEIF", "RAW", ...).
        exif: capture time, camera, orientation and GPS presence.
        decoder: how the small image was obtained (for logs and benchmarks).
        jpeg_quality: libjpeg-style quality (1-100) estimated from the quantisation tables, for JPEGs.
        jpeg_grid: for lossless formats, how strongly the pixels show JPEG's 8x8 block grid (see jpeg_grid).
        frames: frames of an animation or pages of a multi-page file (GIF, WebP, APNG, TIFF), else 1;
            only the first is decoded.
    """

    image: Image.Image
    width: int
    height: int
    format: str
    exif: ExifFacts
    decoder: str
    jpeg_quality: int | None = None
    jpeg_grid: float | None = None
    frames: int = 1
    tone_levels: int = 256


def decode_photo(path: str, size: int, max_pixels: int) -> DecodedPhoto:
    """Decode `path` into a DecodedPhoto whose long side is at most `size`.

    Raises:
        UnreadablePhoto: with a reason a person understands.
    """
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        if is_raw(path):
            return _decode_raw(path, size)
        return _decode_with_pillow(path, size)
    except UnreadablePhoto:
        raise
    except Image.DecompressionBombError as error:
        raise UnreadablePhoto(
            f"image too large: over the configured limit of {max_pixels / 1e6:.0f} megapixels ({error})"
        ) from error
    except MemoryError as error:
        raise UnreadablePhoto("image too large to decode in memory") from error
    except DECODE_ERRORS as error:
        raise UnreadablePhoto(_describe(error)) from error


def _refuse_if_too_large(width: int, height: int) -> None:
    limit = Image.MAX_IMAGE_PIXELS
    if limit and width * height > limit:
        raise UnreadablePhoto(
            f"image too large: {width}x{height} is {width * height / 1e6:.0f} megapixels, over the "
            f"configured limit of {limit / 1e6:.0f} (max_megapixels)"
        )


def _describe(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    if "cannot identify image file" in text:
        return "not a readable image: the content is damaged or not in a photo format this tool reads"
    if "truncated" in text.lower() or isinstance(error, EOFError):
        return f"truncated or damaged image: {text}"
    return f"cannot decode: {text}"


def _decode_with_pillow(path: str, size: int) -> DecodedPhoto:
    with Image.open(path) as im:
        preload(im, path)  # the same pixels from a faster decoder, where they are alike (fast_decoders.py)
        fmt = _format_name(im.format)
        exif = read_exif_facts(im)
        width, height = im.size
        _refuse_if_too_large(width, height)
        if fmt in ("HEIF", "AVIF"):  # libheif paints a missing grid tile and says nothing
            try:
                check_heif(path)
            except MissingData as error:
                raise UnreadablePhoto(error.reason("HEIC" if fmt == "HEIF" else fmt)) from error
        frames = frame_count(im)
        quality = estimate_jpeg_quality(getattr(im, "quantization", None))
        icc = im.info.get("icc_profile")
        if im.format == "JPEG":
            # DCT scaling: the decoder itself skips what the small image does not need. HEIF files are
            # decoded in full here; the fingerprint step may take a HEIC's embedded thumbnail instead
            # (heic_thumbnail), and the verify stage then decodes the main image here of every such
            # photo that could be kept over another or removed for one (main_images).
            scale = size / max(width, height)
            im.draft("RGB", (max(1, round(width * scale)), max(1, round(height * scale))))
        elif frames > 1:
            im.seek(0)
        decoder = "draft" if im.size != (width, height) else "full"  # draft() has set the reduced size
        grid = None
        if fmt in _GRID_FORMATS:  # decoded in full anyway: measure before shrinking
            im.load()
            grid = jpeg_grid_score(im)
        levels = tone_levels(im)
        small = _reduce(im, size)
        # Some plugins (TIFF, HEIF) turn the pixels upright themselves while loading
        # and drop the tag; only what is still tagged after loading is ours to apply.
        pending = _orientation_after_load(im)
    small = _to_srgb(small, icc)
    if pending in SIDEWAYS_ORIENTATIONS:
        width, height = height, width
    upright = apply_orientation(small, pending)
    jpeg_quality = quality if fmt == "JPEG" else None
    return DecodedPhoto(upright, width, height, fmt, exif, decoder, jpeg_quality, grid, frames, levels)


def tone_levels(im: Image.Image) -> int:
    """How many grey levels or palette colours a bilevel, grey or palette photo uses (2 for a 1-bit
    scan, 4 for a 2-bit one); 256 for the rest, whose noise uses every level anyway."""
    if im.mode == "1":
        return 2
    if im.mode in ("L", "LA", "P", "PA"):
        im.load()
        colours = im.getcolors(256) if im.mode in ("P", "PA") else None
        if colours is not None:
            return len(colours)
        histogram = im.getchannel(0).histogram() if im.mode != "P" else []
        return sum(1 for count in histogram if count) or 256
    return 256


def frame_count(im: Image.Image) -> int:
    """Frames of an animation or pages of a multi-page file, from the container (none is decoded).

    Only the formats in MULTI_FRAME_FORMATS count: a JPEG's MPF preview (Pillow's MPO) is not a
    frame of the photo. A HEIF's top-level images count (a HEIC of several pictures, an iPhone
    spatial photo's two eyes; its depth map and gain map are auxiliary images, not counted), and
    so do an animated AVIF's frames: a still of the first one is not a copy of the file.
    """
    if _format_name(im.format) not in MULTI_FRAME_FORMATS:
        return 1
    count = getattr(im, "n_frames", 1)
    return count if isinstance(count, int) and count > 1 else 1


# Lossless formats a JPEG is often re-saved in (a lossy WebP has a block structure of its own).
_GRID_FORMATS = frozenset({"PNG", "TIFF", "BMP"})


_TRANSPOSE_FOR_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def apply_orientation(im: Image.Image, orientation: int | None) -> Image.Image:
    """Turn pixels stored with an EXIF orientation tag upright (as ImageOps.exif_transpose)."""
    method = _TRANSPOSE_FOR_ORIENTATION.get(orientation or 1)
    return im.transpose(method) if method is not None else im


# libjpeg's standard luminance table (quality 50) sums to this.
_STANDARD_LUMINANCE_SUM = 3688


def estimate_jpeg_quality(tables: dict[int, list[int]] | None) -> int | None:
    """The libjpeg quality setting that would give this luminance quantisation table."""
    if not tables or 0 not in tables or not tables[0]:
        return None
    scale = 100.0 * sum(tables[0]) / _STANDARD_LUMINANCE_SUM
    quality = (200.0 - scale) / 2.0 if scale <= 100.0 else 5000.0 / scale
    return max(1, min(100, round(quality)))


def _orientation_after_load(im: Image.Image) -> int | None:
    try:
        value = im.getexif().get(0x0112)
    except Exception:  # noqa: BLE001 - damaged EXIF: treat as upright
        return None
    return value if isinstance(value, int) else None


def _format_name(pillow_format: str | None) -> str:
    if pillow_format in (None, ""):
        return "UNKNOWN"
    return {"MPO": "JPEG", "JPEG2000": "JPEG2000"}.get(pillow_format, pillow_format.upper())


def _reduce(im: Image.Image, size: int) -> Image.Image:
    """Load, flatten to 8-bit RGB (alpha over white) and shrink to `size`."""
    im.load()
    flat = _to_rgb(im)
    flat.thumbnail((size, size), Image.Resampling.BILINEAR, reducing_gap=2.0)
    return flat


def _to_rgb(im: Image.Image) -> Image.Image:
    mode = im.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        array = np.asarray(im, dtype=np.float64)
        peak = 65535.0 if mode.startswith("I;16") or array.max() > 255 else 255.0
        gray = np.clip(array * (255.0 / peak), 0, 255).astype(np.uint8)
        return Image.fromarray(gray, "L").convert("RGB")
    if mode in ("RGBA", "LA", "PA", "RGBa", "La") or (mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    if mode == "RGB":
        return im  # shrunk in place by the caller: no second full-size copy
    return im.convert("RGB")


def _to_srgb(im: Image.Image, icc: bytes | None) -> Image.Image:
    """Convert from an embedded ICC profile to sRGB; keep the pixels if it fails."""
    if not icc:
        return im
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if source.profile.xcolor_space.strip() != "RGB":
            return im
        converted = to_srgb(im, icc)  # profileToProfile to sRGB, its transform built once a profile
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return im
    return converted if converted is not None else im


def _decode_raw(path: str, size: int) -> DecodedPhoto:
    try:
        check_tiff(path)  # LibRaw may fill compressed sensor data cut short without an error
    except MissingData as error:
        raise UnreadablePhoto(error.reason("camera RAW")) from error
    try:
        raw = rawpy.imread(path)
    except (rawpy.LibRawError, rawpy.NotSupportedError) as error:
        raise UnreadablePhoto(f"camera RAW cannot be read by LibRaw: {error}") from error
    with raw:
        sizes = raw.sizes
        width, height = sizes.width, sizes.height
        _refuse_if_too_large(width, height)
        if sizes.flip in (5, 6):
            width, height = height, width
        _unpack_sensor_data(raw)
        preview = _raw_preview(raw, width, height, size)
        if preview is not None:
            image, exif = preview
            decoder = "raw-preview"
        else:
            try:
                # sRGB's tone curve, as camera JPEGs use, not LibRaw's default BT.709 one.
                array = raw.postprocess(half_size=True, use_camera_wb=True, output_bps=8, gamma=(2.4, 12.92))
            except rawpy.LibRawError as error:
                raise UnreadablePhoto(f"camera RAW cannot be decoded: {error}") from error
            image = Image.fromarray(array, "RGB")
            image.thumbnail((size, size), Image.Resampling.BILINEAR, reducing_gap=2.0)
            exif = ExifFacts()
            decoder = "raw-half"
    return DecodedPhoto(image, width, height, "RAW", exif, decoder)


def _unpack_sensor_data(raw: rawpy.RawPy) -> None:
    """Decode the sensor data (35-70 ms for 12 MP uncompressed): the preview is trusted only when it unpacks."""
    try:
        raw.unpack()
    except (rawpy.LibRawError, rawpy.NotSupportedError) as error:
        text = error.args[0].decode("utf-8", "replace") if error.args and isinstance(error.args[0], bytes) else error
        raise UnreadablePhoto(
            f"truncated or damaged camera RAW: LibRaw cannot unpack its sensor data ({text})"
        ) from error


def _raw_preview(raw: rawpy.RawPy, width: int, height: int, size: int) -> tuple[Image.Image, ExifFacts] | None:
    """The embedded preview (JPEG or bitmap), upright, if it shows the sensor's frame at a useful size."""
    try:
        thumb = raw.extract_thumb()
    except (rawpy.LibRawError, rawpy.NotSupportedError):
        return None
    try:
        if thumb.format == rawpy.ThumbFormat.JPEG and isinstance(thumb.data, bytes):
            with Image.open(io.BytesIO(thumb.data)) as im:
                exif = read_exif_facts(im)
                im.draft("RGB", (size, size))
                small = _reduce(im, size)
        elif thumb.format == rawpy.ThumbFormat.BITMAP and isinstance(thumb.data, np.ndarray) and thumb.data.ndim == 3:
            exif = ExifFacts()
            small = _reduce(Image.fromarray(np.ascontiguousarray(thumb.data[:, :, :3], dtype=np.uint8)), size)
        else:
            return None
    except (OSError, ValueError, SyntaxError, TypeError):
        return None
    flip = raw.sizes.flip
    if flip == 3:
        small = small.transpose(Image.Transpose.ROTATE_180)
    elif flip == 5:
        small = small.transpose(Image.Transpose.ROTATE_90)
    elif flip == 6:
        small = small.transpose(Image.Transpose.ROTATE_270)
    preview_aspect = small.width / small.height
    sensor_aspect = width / height
    if abs(np.log(preview_aspect / sensor_aspect)) > 0.02 or max(small.size) < min(size, 256):
        return None
    return small, exif
