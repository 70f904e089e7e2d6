"""Make copies and look-alikes of a photo, as real libraries accumulate them.

Used by the demo library, the tests and the detection benchmark. Every maker
takes an upright RGB picture and writes one file; none touches its input.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pillow_heif
import pillow_jxl  # noqa: F401 - registers Pillow's JPEG XL plugin
from PIL import Image, ImageEnhance, ImageOps

pillow_heif.register_heif_opener()

# The transpose that stores an upright picture so that EXIF orientation N turns it upright again.
_STORE_FOR_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def camera_exif(taken: str = "2021:06:12 10:31:07", make: str = "Canon", model: str = "EOS R6") -> Image.Exif:
    """EXIF as a camera writes it: capture time, make, model."""
    exif = Image.Exif()
    exif[0x010F] = make
    exif[0x0110] = model
    exif[0x0132] = taken
    exif.get_ifd(0x8769)[0x9003] = taken
    return exif


def save_original(image: Image.Image, path: Path, exif: Image.Exif | None = None, quality: int = 95) -> Path:
    """A camera-like JPEG (high quality, 4:4:4 is not typical; 4:2:2-ish via default)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=quality, exif=(exif or camera_exif()).tobytes())
    return path


def byte_copy(source: Path, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, path)
    return path


def recompressed(image: Image.Image, path: Path, quality: int = 75, max_megapixels: float = 16.0) -> Path:
    """What Google Photos does: JPEG q70-85, 4:2:0, capped size, metadata stripped."""
    pixels = image.width * image.height
    if pixels > max_megapixels * 1e6:
        scale = (max_megapixels * 1e6 / pixels) ** 0.5
        image = image.resize((int(image.width * scale), int(image.height * scale)), Image.Resampling.LANCZOS)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=quality, subsampling="4:2:0")
    return path


def resized(image: Image.Image, path: Path, long_side: int = 640, quality: int = 85) -> Path:
    copy = image.copy()
    copy.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)
    return _save(copy, path, quality=quality)


def converted(image: Image.Image, path: Path) -> Path:
    """Same picture in the format the file name asks for (PNG, TIFF, HEIC, WEBP, AVIF...)."""
    return _save(image, path, quality=90)


def rotated_with_exif(image: Image.Image, path: Path, orientation: int) -> Path:
    """Pixels stored sideways/flipped plus the EXIF tag that turns them upright."""
    stored = image.transpose(_STORE_FOR_ORIENTATION[orientation]) if orientation in _STORE_FOR_ORIENTATION else image
    exif = camera_exif()
    exif[0x0112] = orientation
    path.parent.mkdir(parents=True, exist_ok=True)
    stored.save(path, "JPEG", quality=92, exif=exif.tobytes())
    return path


def auto_adjusted(
    image: Image.Image,
    path: Path,
    brightness: float = 1.08,
    saturation: float = 1.08,
    autocontrast: bool = True,
) -> Path:
    """A light automatic adjustment, as a phone or a photo app applies it."""
    adjusted = ImageOps.autocontrast(image, cutoff=0.5, preserve_tone=True) if autocontrast else image
    adjusted = ImageEnhance.Brightness(adjusted).enhance(brightness)
    adjusted = ImageEnhance.Color(adjusted).enhance(saturation)
    return _save(adjusted, path, quality=90)


def enhanced(
    image: Image.Image,
    path: Path,
    white_balance: tuple[float, float, float] = (1.0, 1.0, 1.0),
    contrast: float = 1.0,
    brightness: float = 1.0,
    saturation: float = 1.0,
    s_curve: float = 0.0,
) -> Path:
    """An enhance as photo apps apply it: white balance gains per channel, an S-shaped tone curve,
    contrast, brightness and saturation, in that order."""
    array = np.asarray(image.convert("RGB"), dtype=np.float32) * np.array(white_balance, dtype=np.float32)
    levels = np.clip(array, 0, 255) / 255.0
    levels = levels - s_curve * np.sin(2 * np.pi * levels) / (2 * np.pi)
    adjusted = Image.fromarray(np.clip(levels * 255.0 + 0.5, 0, 255).astype(np.uint8))
    adjusted = ImageEnhance.Contrast(adjusted).enhance(contrast)
    adjusted = ImageEnhance.Brightness(adjusted).enhance(brightness)
    return _save(ImageEnhance.Color(adjusted).enhance(saturation), path, quality=90)


def grey_world_gains(image: Image.Image, strength: float = 0.5, limit: float = 0.08) -> tuple[float, float, float]:
    """The white balance gains an automatic enhance picks: part of the way to a grey average, limited."""
    means = np.asarray(image.convert("RGB"), dtype=np.float64).reshape(-1, 3).mean(axis=0) + 1.0
    gains = np.clip((means.mean() / means) ** strength, 1 - limit, 1 + limit)
    return (float(gains[0]), float(gains[1]), float(gains[2]))


def levels_enhanced(
    image: Image.Image, path: Path, mix: float = 0.5, brightness: float = 1.05, saturation: float = 1.1
) -> Path:
    """Auto levels per channel (each stretched to the full range), mixed with the original, then
    brighter and more saturated: an automatic enhance in the style of Google Photos."""
    stretched = ImageOps.autocontrast(image.convert("RGB"), cutoff=0.5)
    adjusted = Image.blend(image.convert("RGB"), stretched, mix)
    adjusted = ImageEnhance.Brightness(adjusted).enhance(brightness)
    return _save(ImageEnhance.Color(adjusted).enhance(saturation), path, quality=90)


def cmyk_copy(image: Image.Image, path: Path) -> Path:
    return _save(image.convert("CMYK"), path, quality=92)


def sixteen_bit_tiff(image: Image.Image, path: Path) -> Path:
    import tifffile

    path.parent.mkdir(parents=True, exist_ok=True)
    tifffile.imwrite(path, np.asarray(image, dtype=np.uint16) * 257)
    return path


def palette_copy(image: Image.Image, path: Path) -> Path:
    return _save(image.convert("P", palette=Image.Palette.ADAPTIVE, colors=256), path)


def alpha_copy(image: Image.Image, path: Path) -> Path:
    rgba = image.convert("RGBA")
    return _save(rgba, path)


def burst_neighbour(
    image: Image.Image,
    path: Path,
    shift: float = 0.04,
    seed: int = 0,
    direction: int = 1,
    exif: Image.Exif | None = None,
) -> Path:
    """Another frame of a burst: the camera moved a few percent, the subject moved, the light changed a little.

    `direction` (+1 or -1) is the frame after or before the original, so two neighbours differ from each
    other by about twice `shift`.
    """
    rng = np.random.default_rng(seed)
    w, h = image.size
    dx = int(w * shift) * direction
    dy = int(h * shift * rng.uniform(-0.5, 0.5))
    box = (max(0, dx), max(0, dy), w + min(0, dx), h + min(0, dy))
    frame = image.crop(box).resize((w, h), Image.Resampling.LANCZOS)
    # The subject moves on its own: a central patch shifts a little further.
    pw, ph = w // 4, h // 4
    x0, y0 = int(w * rng.uniform(0.3, 0.45)), int(h * rng.uniform(0.3, 0.45))
    patch = frame.crop((x0, y0, x0 + pw, y0 + ph))
    frame.paste(patch, (x0 + int(pw * 0.08) * direction, y0 + int(ph * rng.uniform(-0.08, 0.08))))
    frame = ImageEnhance.Brightness(frame).enhance(1 + rng.uniform(-0.03, 0.03))
    return _save(frame, path, 92, exif)


def black_and_white(image: Image.Image, path: Path) -> Path:
    return _save(image.convert("L").convert("RGB"), path, quality=92)


def colour_graded(image: Image.Image, path: Path, strength: float = 0.25) -> Path:
    """A strong warm grade: reds up, blues down."""
    array = np.asarray(image, dtype=np.float32)
    array = array * np.array([1 + strength, 1.0, 1 - strength], dtype=np.float32)
    return _save(Image.fromarray(np.clip(array, 0, 255).astype(np.uint8)), path, quality=92)


def cropped(image: Image.Image, path: Path, fraction: float = 0.15, exif: Image.Exif | None = None) -> Path:
    """A real crop: keeps the top-left (1 - fraction) of each side; with `exif`, keeps the camera's
    metadata as photo editors do."""
    w, h = image.size
    return _save(image.crop((0, 0, int(w * (1 - fraction)), int(h * (1 - fraction * 0.5)))), path, 92, exif)


def turned(image: Image.Image, path: Path, quarter_turns: int = 1, exif: Image.Exif | None = None) -> Path:
    """The picture turned by quarter turns in an editor: the pixels turned, no orientation tag."""
    return _save(image.rotate(90 * quarter_turns, expand=True), path, 92, exif)


def _save(image: Image.Image, path: Path, quality: int = 90, exif: Image.Exif | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix in (".jpg", ".jpeg"):
        image.convert("RGB" if image.mode not in ("RGB", "CMYK", "L") else image.mode).save(
            path, "JPEG", quality=quality, exif=exif.tobytes() if exif is not None else b""
        )
    elif suffix in (".heic", ".heif", ".avif", ".webp", ".jxl"):
        image.save(path, quality=quality)
    else:
        image.save(path)
    return path


# XYZ (D65) to linear sRGB: as a DNG ColorMatrix1 it declares the sensor's channels to be linear sRGB.
_XYZ_TO_LINEAR_SRGB = (
    (3.2406, -1.5372, -0.4986),
    (-0.9689, 1.8758, 0.0415),
    (0.0557, -0.2040, 1.0570),
)


def camera_raw(
    image: Image.Image, path: Path, make: str = "Canon", model: str = "EOS R6", preview: bool = False
) -> Path:
    """A real, minimal DNG (Bayer RGGB, 12-bit, linear) of the picture, as a camera writes one.

    LibRaw decodes it like any camera RAW; with the camera's JPEG of the same
    picture it forms the RAW+JPEG pair of one shot. With `preview`, the DNG also
    holds a full-size rendered preview (uncompressed RGB) in IFD0, as many do.
    """
    import tifffile

    encoded = np.asarray(image.convert("RGB"), dtype=np.float64) / 255.0
    linear = np.where(encoded <= 0.04045, encoded / 12.92, ((encoded + 0.055) / 1.055) ** 2.4)
    height, width = (linear.shape[0] // 2) * 2, (linear.shape[1] // 2) * 2
    linear = linear[:height, :width]
    mosaic = np.empty((height, width), dtype=np.uint16)
    mosaic[0::2, 0::2] = linear[0::2, 0::2, 0] * 4095
    mosaic[0::2, 1::2] = linear[0::2, 1::2, 1] * 4095
    mosaic[1::2, 0::2] = linear[1::2, 0::2, 1] * 4095
    mosaic[1::2, 1::2] = linear[1::2, 1::2, 2] * 4095
    matrix = tuple(v for row in _XYZ_TO_LINEAR_SRGB for value in row for v in (round(value * 10000), 10000))
    extratags = [
        (33421, "H", 2, (2, 2), True),  # CFARepeatPatternDim
        (33422, "B", 4, (0, 1, 1, 2), True),  # CFAPattern: RGGB
        (50706, "B", 4, (1, 4, 0, 0), True),  # DNGVersion
        (50708, "s", 0, f"{make} {model}", True),  # UniqueCameraModel
        (50717, "I", 1, 4095, True),  # WhiteLevel
        (50721, "2i", 9, matrix, True),  # ColorMatrix1
        (50728, "2I", 3, (1, 1, 1, 1, 1, 1), True),  # AsShotNeutral
        (50778, "H", 1, 21, True),  # CalibrationIlluminant1: D65
        (271, "s", 0, make, True),
        (272, "s", 0, model, True),
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    if not preview:
        tifffile.imwrite(path, mosaic, photometric=32803, extratags=extratags, subfiletype=0)
        return path
    identity, raw_tags = extratags[2:4] + extratags[8:], extratags[:2] + extratags[4:8]
    rendered = np.asarray(image.convert("RGB"), dtype=np.uint8)[:height, :width]
    with tifffile.TiffWriter(path) as tif:
        tif.write(rendered, photometric="rgb", subfiletype=1, subifds=1, extratags=identity)
        tif.write(mosaic, photometric=32803, subfiletype=0, extratags=raw_tags)
    return path
