"""HEICs laid out as phones write them, made in the tests with pillow-heif: a grid of tiles, an
embedded thumbnail stored before the tiles (as iPhones store it), and the damage the two-stage
fingerprint must see (a file cut short inside its tiles, a tile the decoder refuses, a thumbnail
left stale by an editor)."""

from __future__ import annotations

import struct
from pathlib import Path
from unittest import mock

import pillow_heif
from PIL import Image
from pillow_heif import misc

from photo_dedup.fingerprint import integrity

FAST = {"preset": "ultrafast"}  # x265's fastest: 0.1 s a 640x480 photo against 5 s


def phone_heic(path: Path, image: Image.Image, thumbnail: int = 320, stale: Image.Image | None = None) -> Path:
    """`image` as a grid HEIC of 256-pixel tiles with a `thumbnail`-pixel thumbnail stored before the
    tiles; with `stale`, the thumbnail shows that picture instead (same size as `image`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = image.convert("RGB")
    if stale is None:
        image.save(path, "HEIF", quality=70, thumbnails=[thumbnail], tile_size=256, enc_params=FAST)
    else:
        stale_bytes = stale.convert("RGB").resize(image.size).tobytes()
        planes = misc._add_planes

        def thumbnail_from_stale(im_out, size, mode, data, *args, **kwargs):  # type: ignore[no-untyped-def]
            # the grid's tiles are tile-sized; the picture the thumbnail is encoded from is whole
            return planes(im_out, size, mode, stale_bytes if tuple(size) == image.size else data, *args, **kwargs)

        with mock.patch.object(misc, "_add_planes", thumbnail_from_stale):
            image.save(path, "HEIF", quality=70, thumbnails=[thumbnail], tile_size=256, enc_params=FAST)
    _thumbnail_first(path)
    return path


def main_image_end(path: Path) -> int:
    """Where the main image's last tile ends (the container check's figure)."""
    return integrity.heif_needed_end(str(path))[0]


def cut_inside_tiles(path: Path) -> Path:
    """The file cut short 200 bytes before its main image's data ends: the thumbnail, stored first,
    stays whole."""
    data = path.read_bytes()
    path.write_bytes(data[: main_image_end(path) - 200])
    return path


def refuse_a_tile(path: Path) -> Path:
    """One grid tile made an item of an unknown type: the file stays whole by its item table and its
    thumbnail decodes, but the main image cannot be decoded."""
    data = bytearray(path.read_bytes())
    tiles = sorted(_tiles(bytes(data)))
    start = 0
    while (found := data.find(b"infe", start)) >= 0:
        start = found + 4
        version = data[found + 4]
        if version < 2:
            continue
        wide = version == 3
        item = int.from_bytes(data[found + 8 : found + (12 if wide else 10)], "big")
        kind_at = found + (12 if wide else 10) + 2
        if item == tiles[-1] and data[kind_at : kind_at + 4] == b"hvc1":
            data[kind_at : kind_at + 4] = b"zzzz"
            path.write_bytes(bytes(data))
            return path
    raise AssertionError("no tile item found")


def _meta(data: bytes) -> tuple[dict[str, bytes], int]:
    """The meta box's children and where its payload starts in the file."""
    position = 0
    while position + 8 <= len(data):
        length, name = struct.unpack_from(">I4s", data, position)
        if name == b"meta":
            return dict(integrity._boxes(data[position + 8 : position + length], 4)), position + 8
        position += length
    raise AssertionError("no meta box")


def _tiles(data: bytes) -> set[int]:
    boxes, _ = _meta(data)
    primary = integrity._primary_item(boxes["pitm"])
    return integrity.derived_from(boxes.get("iref", b""), primary) - {primary}


def _thumbnail_first(path: Path) -> None:
    """Move the thumbnail's bytes to the start of the mdat box, before the tiles, and its iloc
    offsets with them (libheif writes it last; iPhones first)."""
    data = bytearray(path.read_bytes())
    boxes, meta_start = _meta(bytes(data))
    thumbnails = _thumbnail_items(boxes.get("iref", b""))
    items = _iloc_items(bytes(data), meta_start)
    mdat = bytes(data).find(b"mdat") + 4
    moved = [(base, extents) for item, base, extents in items if item in thumbnails]
    if len(moved) != 1 or len(moved[0][1]) != 1:
        raise AssertionError("expected one thumbnail of one extent")
    base, ((_, _, offset, length),) = moved[0]
    start = base[2] + offset
    if start + length != len(data):
        raise AssertionError("the thumbnail is not the file's last extent")
    thumb, rest = bytes(data[start : start + length]), bytes(data[mdat:start])
    data[mdat : mdat + length + len(rest)] = thumb + rest
    for item, (base_at, base_size, base_value), extents in items:
        first = base_value + extents[0][2] if extents else 0
        shift = mdat - start if item in thumbnails else (length if mdat <= first < start else 0)
        if base_size:
            data[base_at : base_at + base_size] = (base_value + shift).to_bytes(base_size, "big")
            continue
        for at, width, value, _ in extents:
            data[at : at + width] = (value + shift).to_bytes(width, "big")
    path.write_bytes(bytes(data))


def _thumbnail_items(iref: bytes) -> set[int]:
    if not iref:
        return set()
    wide = iref[0] == 1
    found = set()
    for name, payload in integrity._boxes(iref, 4):
        if name == "thmb":
            found.add(int.from_bytes(payload[: 4 if wide else 2], "big"))
    return found


Extent = tuple[int, int, int, int]  # file position of the offset field, its width, offset, length


def _iloc_items(data: bytes, meta_start: int) -> list[tuple[int, tuple[int, int, int], list[Extent]]]:
    """Every item of the iloc box: (item, (base offset field's position, width, value), extents)."""
    position = meta_start + 4
    while True:
        length, name = struct.unpack_from(">I4s", data, position)
        if name == b"iloc":
            break
        position += length
    iloc = position + 8
    version = data[iloc]
    offset_size, length_size = data[iloc + 4] >> 4, data[iloc + 4] & 15
    base_size, index_size = data[iloc + 5] >> 4, (data[iloc + 5] & 15 if version in (1, 2) else 0)
    at = iloc + 6
    count_size = 4 if version == 2 else 2
    count = int.from_bytes(data[at : at + count_size], "big")
    at += count_size
    items = []
    for _ in range(count):
        item = int.from_bytes(data[at : at + count_size], "big")
        at += count_size + (2 if version in (1, 2) else 0) + 2
        base = (at, base_size, int.from_bytes(data[at : at + base_size], "big") if base_size else 0)
        at += base_size
        count_extents = int.from_bytes(data[at : at + 2], "big")
        at += 2
        extents = []
        for _ in range(count_extents):
            at += index_size
            offset = int.from_bytes(data[at : at + offset_size], "big") if offset_size else 0
            extent_length = int.from_bytes(data[at + offset_size : at + offset_size + length_size], "big")
            extents.append((at, offset_size, offset, extent_length))
            at += offset_size + length_size
        items.append((item, base, extents))
    return items


__all__ = ["cut_inside_tiles", "main_image_end", "phone_heic", "pillow_heif", "refuse_a_tile"]
