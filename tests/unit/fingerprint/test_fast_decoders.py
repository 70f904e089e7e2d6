"""The faster PNG decoder (libspng) gives the very decode Pillow gives, or leaves the photo to
Pillow: real photographs (scikit-image's) saved as PNG in each mode, and the PNGs it must not take."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageCms

from photo_dedup.fingerprint import decode, fast_decoders
from photo_dedup.fingerprint.decode import UnreadablePhoto, decode_photo

pytest.importorskip("pyspng")


def _decoded(path: Path, fast: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[object, ...]:
    """Everything decode_photo says of the photo, with or without the faster decoder."""
    monkeypatch.setattr(decode, "preload", fast_decoders.preload if fast else (lambda im, path: False))
    try:
        d = decode_photo(str(path), 320, 250_000_000)
    except UnreadablePhoto as error:
        return ("unreadable", str(error))
    fields = (d.width, d.height, d.format, d.exif, d.decoder, d.jpeg_quality, d.jpeg_grid, d.frames, d.tone_levels)
    return (d.image.mode, d.image.size, d.image.tobytes(), *fields)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png(image: Image.Image, path: Path, **options: object) -> Path:
    image.save(path, "PNG", **options)
    return path


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L"])
def test_a_plain_png_is_decoded_by_libspng_to_pillow_s_very_pixels(photos, tmp_path, mode, monkeypatch):
    """Its pixels, mode, size, tone levels and JPEG-grid measure are Pillow's own. Mutant: the
    faster decoder taken for no PNG (preload returning False) -> the first assertion fails."""
    image = photos["chelsea"].convert(mode)
    path = _png(image, tmp_path / f"chelsea-{mode}.png")
    with Image.open(path) as im:
        assert fast_decoders.preload(im, str(path))
        assert np.array_equal(np.asarray(im), np.asarray(image))
    assert _decoded(path, True, monkeypatch) == _decoded(path, False, monkeypatch)


def test_an_icc_profile_and_exif_before_the_pixels_are_read_as_before(photos, tmp_path, monkeypatch):
    """A PNG with a colour profile (converted to sRGB) and an EXIF orientation (6: turned) decodes
    alike, turned upright."""
    image = photos["astronaut"].convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 6
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    path = _png(image, tmp_path / "tagged.png", exif=exif.tobytes(), icc_profile=icc)
    with Image.open(path) as im:
        assert im.info.get("icc_profile") and fast_decoders.preload(im, str(path))
    fast = _decoded(path, True, monkeypatch)
    assert fast == _decoded(path, False, monkeypatch)
    assert fast[3:5] == (image.height, image.width)  # turned upright: width and height swap


def test_exif_after_the_pixels_leaves_the_png_to_pillow(photos, tmp_path, monkeypatch):
    """Pillow reads chunks after the image data only while it loads the pixels: an orientation
    there (eXIf before IEND) would be lost. Mutant: no check of the chunks after the image data ->
    the photo is not turned upright (width and height differ)."""
    image = photos["astronaut"].convert("RGB").resize((300, 200))
    data = _png(image, tmp_path / "plain.png").read_bytes()
    exif = Image.Exif()
    exif[0x0112] = 6
    end = data.rindex(b"IEND") - 4
    path = tmp_path / "exif-last.png"
    raw = exif.tobytes()
    path.write_bytes(data[:end] + _chunk(b"eXIf", raw[6:] if raw.startswith(b"Exif") else raw) + data[end:])
    with Image.open(path) as im:
        assert not fast_decoders.preload(im, str(path))
    fast = _decoded(path, True, monkeypatch)
    assert fast == _decoded(path, False, monkeypatch)
    assert fast[3:5] == (200, 300)


def test_a_damaged_png_is_left_to_pillow(photos, tmp_path, monkeypatch):
    """A flipped bit in the image data (its chunk's CRC then wrong): Pillow and libspng both decode
    it, to other pixels, without an error; Pillow's is taken, as before. Cut short: unreadable, as
    before. Mutant: no CRC check -> libspng's pixels (another thumbnail)."""
    data = bytearray(_png(photos["coffee"].convert("RGB"), tmp_path / "coffee.png").read_bytes())
    start = data.index(b"IDAT") + 4
    damaged = tmp_path / "flipped.png"
    for offset in range(200, 20_000, 997):  # a flip libspng and Pillow read differently
        copy = bytearray(data)
        copy[start + offset] ^= 0x10
        damaged.write_bytes(bytes(copy))
        assert _decoded(damaged, True, monkeypatch) == _decoded(damaged, False, monkeypatch)
    cut = tmp_path / "cut.png"
    cut.write_bytes(bytes(data[: len(data) // 2]))
    assert _decoded(cut, True, monkeypatch) == _decoded(cut, False, monkeypatch)
    assert _decoded(cut, True, monkeypatch)[0] == "unreadable"


@pytest.mark.parametrize("kind", ["LA", "P", "I;16", "transparency", "1"])
def test_pngs_libspng_would_read_otherwise_are_left_to_pillow(photos, tmp_path, kind, monkeypatch):
    """Grey with alpha (libspng refuses it), a palette, 16-bit grey (Pillow narrows it), a
    transparent colour (libspng adds an alpha channel), 1 bit: Pillow decodes them, as before.
    Mutant: no transparency check and no shape check -> an RGBA array in an RGB image."""
    image = photos["rocket"].convert("RGB")
    options: dict[str, object] = {}
    if kind == "transparency":
        options["transparency"] = (0, 0, 0)
    elif kind == "I;16":
        image = Image.fromarray((np.asarray(image.convert("L"), dtype=np.uint16) * 257).astype(np.uint16))
    else:
        image = image.convert(kind)
    path = _png(image, tmp_path / "other.png", **options)
    with Image.open(path) as im:
        assert not fast_decoders.preload(im, str(path))
    assert _decoded(path, True, monkeypatch) == _decoded(path, False, monkeypatch)


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _xyz(x: float, y: float, z: float) -> bytes:
    return b"XYZ " + b"\0" * 4 + _s15(x) + _s15(y) + _s15(z)


def wide_gamut_profile() -> bytes:
    """An ICC v2 matrix/TRC display profile of a wider gamut than sRGB, gamma 1.8 (ProPhoto's
    primaries): converting to sRGB moves a photo's pixels by some 27 levels on average."""
    text = b"wide gamut, gamma 1.8\0"
    curve = b"curv" + b"\0" * 4 + struct.pack(">IH", 1, round(1.8 * 256)) + b"\0\0"
    tags = [
        (b"desc", b"desc" + b"\0" * 4 + struct.pack(">I", len(text)) + text + b"\0" * 79),
        (b"wtpt", _xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", _xyz(0.7977, 0.2880, 0.0)),
        (b"gXYZ", _xyz(0.1352, 0.7119, 0.0)),
        (b"bXYZ", _xyz(0.0313, 0.0001, 0.8249)),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    table, data, offset = b"", b"", 128 + 4 + 12 * len(tags)
    for signature, body in tags:
        body += b"\0" * (-len(body) % 4)
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body
    header = struct.pack(">I", offset + len(data)) + b"\0" * 4 + struct.pack(">I", 0x02100000) + b"mntrRGB XYZ "
    header += b"\0" * 12 + b"acsp" + b"\0" * 28 + _s15(0.9642) + _s15(1.0) + _s15(0.8249) + b"\0" * 48
    return header + struct.pack(">I", len(tags)) + table + data


def test_a_colour_profile_converts_as_profile_to_profile_does_its_transform_built_once(photos):
    """Two real photos in a wide-gamut profile: the very pixels ImageCms.profileToProfile gives, and
    LittleCMS's transform built once for both (5 ms each time on the real-world corpus). Mutants:
    the input and output profiles swapped -> other pixels; no cache -> built twice."""
    icc = wide_gamut_profile()
    source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
    fast_decoders._srgb_transform.cache_clear()
    for name in ("coffee", "chelsea"):
        image = photos[name].convert("RGB")
        expected = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode="RGB")
        assert expected is not None and expected.tobytes() != image.tobytes()
        assert fast_decoders.to_srgb(image, icc).tobytes() == expected.tobytes()
    assert fast_decoders._srgb_transform.cache_info().misses == 1
