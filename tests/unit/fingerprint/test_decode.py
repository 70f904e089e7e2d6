"""Decoding real photos in every supported form, and failing clearly on bad input."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photo_dedup.demo import variants
from photo_dedup.fingerprint.decode import UnreadablePhoto, decode_photo
from photo_dedup.fingerprint.jpeg_grid import was_jpeg

LIMIT = 250_000_000


def difference(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute difference of two pictures at 64x64 (0-255)."""
    size = (64, 64)
    return float(np.abs(np.asarray(a.resize(size), float) - np.asarray(b.resize(size), float)).mean())


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_is_applied(photos, tmp_path, orientation):
    upright = photos["chelsea"]
    path = variants.rotated_with_exif(upright, tmp_path / f"o{orientation}.jpg", orientation)
    decoded = decode_photo(str(path), 256, LIMIT)
    assert (decoded.width, decoded.height) == upright.size
    assert decoded.exif.orientation == orientation
    assert difference(decoded.image, upright) < 3


@pytest.mark.parametrize(
    ("name", "expected_format"),
    [
        ("copy.png", "PNG"),
        ("copy.tif", "TIFF"),
        ("copy.webp", "WEBP"),
        ("copy.heic", "HEIF"),
        ("copy.avif", "AVIF"),
        ("copy.jxl", "JXL"),
        ("copy.gif", "GIF"),
        ("copy.bmp", "BMP"),
    ],
)
def test_formats_decode_to_the_same_picture(photos, tmp_path, name, expected_format):
    original = photos["coffee"]
    decoded = decode_photo(str(variants.converted(original, tmp_path / name)), 256, LIMIT)
    assert decoded.format == expected_format
    assert (decoded.width, decoded.height) == original.size
    assert difference(decoded.image, original) < 12  # GIF's 256 colours are the worst case


@pytest.mark.parametrize(
    "maker", [variants.cmyk_copy, variants.sixteen_bit_tiff, variants.palette_copy, variants.alpha_copy]
)
def test_colour_modes_are_normalised_to_rgb(photos, tmp_path, maker):
    original = photos["astronaut"]
    suffix = {"cmyk_copy": ".jpg", "sixteen_bit_tiff": ".tif"}.get(maker.__name__, ".png")
    decoded = decode_photo(str(maker(original, tmp_path / f"x{suffix}")), 256, LIMIT)
    assert decoded.image.mode == "RGB"
    assert difference(decoded.image, original) < 8


def test_sixteen_bit_grey_keeps_its_tones(photos, tmp_path):
    grey = np.asarray(photos["astronaut"].convert("L"), dtype=np.uint16) * 257
    path = tmp_path / "grey16.png"
    Image.fromarray(grey).save(path)
    decoded = decode_photo(str(path), 256, LIMIT)
    assert difference(decoded.image, photos["astronaut"].convert("L").convert("RGB")) < 3


def test_camera_raw_is_decoded_by_libraw(photos, tmp_path):
    original = photos["astronaut"]
    decoded = decode_photo(str(variants.camera_raw(original, tmp_path / "IMG_0001.DNG")), 256, LIMIT)
    assert decoded.format == "RAW"
    assert decoded.decoder == "raw-half"
    assert (decoded.width, decoded.height) == original.size
    corr = np.corrcoef(
        np.asarray(decoded.image.convert("L").resize((64, 64)), float).ravel(),
        np.asarray(original.convert("L").resize((64, 64)), float).ravel(),
    )[0, 1]
    assert corr > 0.97


def test_camera_raw_with_a_preview_uses_the_preview(photos, tmp_path):
    original = photos["chelsea"]
    path = variants.camera_raw(original, tmp_path / "IMG_0002.DNG", preview=True)
    decoded = decode_photo(str(path), 256, LIMIT)
    assert decoded.decoder == "raw-preview"
    assert (decoded.width, decoded.height) == (original.width // 2 * 2, original.height // 2 * 2)
    assert difference(decoded.image, original) < 3


def test_jpeg_uses_dct_scaling_and_reports_the_full_size(photos, tmp_path):
    big = photos["astronaut"].resize((2048, 2048))
    path = variants.save_original(big, tmp_path / "big.jpg")
    decoded = decode_photo(str(path), 256, LIMIT)
    assert decoded.decoder == "draft"
    assert (decoded.width, decoded.height) == (2048, 2048)
    assert max(decoded.image.size) <= 256
    assert decoded.exif.taken == "2021-06-12T10:31:07"
    assert decoded.exif.make == "Canon"


def broken_files(tmp_path: Path, photos) -> dict[str, Path]:
    jpeg = variants.save_original(photos["coffee"], tmp_path / "good.jpg").read_bytes()
    heic = variants.converted(photos["coffee"], tmp_path / "good.heic").read_bytes()
    files = {
        "truncated.jpg": jpeg[: len(jpeg) // 5],
        "text.jpg": b"just some text\n",
        "corrupt.heic": heic[:100] + b"\x00" * (len(heic) - 100),
        "truncated.heic": heic[: len(heic) // 3],
        "garbage.png": b"\x89PNG\r\n\x1a\n" + b"\xff" * 100,
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    return {name: tmp_path / name for name in files}


NOT_A_PHOTO = "not a readable image: the content is damaged or not in a photo format this tool reads"
# The reason each broken file gets, as unreadable.csv shows it (the start of it, where the rest is
# the decoder's own measurement).
REASONS = {
    "truncated.jpg": "truncated or damaged image: image file is truncated",
    "text.jpg": NOT_A_PHOTO,
    "corrupt.heic": NOT_A_PHOTO,
    "truncated.heic": "truncated HEIC: the main image's data ends past the end of the file",
    "garbage.png": NOT_A_PHOTO,
}


def test_broken_files_raise_a_readable_reason(photos, tmp_path):
    """Each broken file gets one line that says what is wrong in words, not the decoder's exception.

    Mutant: `raise UnreadablePhoto(str(error))` (or `repr(error)`) in decode.decode_photo -> text.jpg
    reads "cannot identify image file '/tmp/.../text.jpg'" and the test fails on it.
    """
    for name, path in broken_files(tmp_path, photos).items():
        with pytest.raises(UnreadablePhoto) as error:
            decode_photo(str(path), 256, LIMIT)
        message = str(error.value)
        assert message.startswith(REASONS[name]), (name, message)
        assert "\n" not in message and str(path) not in message, name


def test_an_image_over_the_pixel_limit_is_refused_not_decoded(tmp_path):
    path = tmp_path / "huge.png"
    Image.new("L", (12_000, 12_000), 128).save(path)  # 144 MP, a few hundred KB on disk
    for limit in (50_000_000, 100_000_000):  # far over, and over by less than Pillow's 2x bomb error
        with pytest.raises(UnreadablePhoto, match="too large"):
            decode_photo(str(path), 256, max_pixels=limit)


def test_the_jpeg_block_grid_shows_in_a_png_saved_from_a_jpeg(photos, tmp_path):
    """Real photographs: a PNG of a decoded q75 JPEG shows the grid; a PNG of the photo itself does not.
    (scikit-image's retina picture is left out: its own pixels already carry a JPEG grid, score 1.21.)"""

    for name in ("astronaut", "chelsea", "coffee", "rocket", "hubble", "ihc"):
        jpeg = tmp_path / f"{name}.jpg"
        photos[name].save(jpeg, "JPEG", quality=75)
        with Image.open(jpeg) as decoded:
            decoded.convert("RGB").save(tmp_path / f"{name}-from-jpeg.png")
        photos[name].save(tmp_path / f"{name}.png")
        assert was_jpeg(decode_photo(str(tmp_path / f"{name}-from-jpeg.png"), 320, 10**8).jpeg_grid), name
        assert not was_jpeg(decode_photo(str(tmp_path / f"{name}.png"), 320, 10**8).jpeg_grid), name
