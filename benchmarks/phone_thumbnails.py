"""Copies of a real phone HEIC that are other pictures to the thumbnail stage: the embedded thumbnail
(its HEVC data and decoder configuration) replaced by another picture's, the main image (the phone's
own grid of HEVC tiles) and every other byte left as the phone wrote them.

For the speed benchmark's phone library (speed.py --phone-heic with --distinct): a library of copies
of a few real files is all pairs, which no real library is; with these, the share of photos whose
thumbnails pair (and whose main images the verify stage decodes) is chosen. The cost of the
fingerprint stage is that of the real container and of a thumbnail of the phone's size (pillow-heif
encodes it at the same size); a copy's main image is its source's, so its thumbnail is stale, which
only a decode of its main image, never needed for these, would show.
"""

from __future__ import annotations

import io
import struct

import numpy as np
import pillow_heif
from PIL import Image


def _children(data: bytes, start: int, end: int) -> list[tuple[str, int, int, int]]:
    """(name, box start, box length, payload start) of each box between `start` and `end`."""
    found = []
    position = start
    while position + 8 <= end:
        length, name = struct.unpack_from(">I4s", data, position)
        header = 8
        if length == 1:
            (length,) = struct.unpack_from(">Q", data, position + 8)
            header = 16
        elif length == 0:
            length = end - position
        found.append((name.decode("latin-1"), position, length, position + header))
        position += length
    return found


def _box(boxes: list[tuple[str, int, int, int]], name: str) -> tuple[str, int, int, int]:
    return next(box for box in boxes if box[0] == name)


def _uint(data: bytes, at: int, size: int) -> int:
    return int.from_bytes(data[at : at + size], "big") if size else 0


def _thumbnail_item(data: bytes, iref: tuple[str, int, int, int]) -> int:
    wide = data[iref[3]] == 1
    for name, _, _, payload in _children(data, iref[3] + 4, iref[1] + iref[2]):
        if name == "thmb":
            return _uint(data, payload, 4 if wide else 2)
    raise ValueError("no thumbnail")


def _properties_of(data: bytes, ipma: tuple[str, int, int, int], item: int) -> list[int]:
    at = ipma[3]
    version, flags = data[at], _uint(data, at + 1, 3)
    at += 4
    count = _uint(data, at, 4)
    at += 4
    for _ in range(count):
        item_id = _uint(data, at, 4 if version else 2)
        at += 4 if version else 2
        associations = data[at]
        at += 1
        indices = []
        for _ in range(associations):
            if flags & 1:
                indices.append(_uint(data, at, 2) & 0x7FFF)
                at += 2
            else:
                indices.append(data[at] & 0x7F)
                at += 1
        if item_id == item:
            return indices
    raise ValueError(f"item {item} has no properties")


def _iloc_fields(
    data: bytes, iloc: tuple[str, int, int, int]
) -> list[tuple[int, int, int, list[tuple[int, int, int, int]]]]:
    """(item, base field position, base width, [(offset field position, width, length field position,
    length width)]) of each item."""
    at = iloc[3]
    version = data[at]
    offset_size, length_size = data[at + 4] >> 4, data[at + 4] & 15
    base_size, index_size = data[at + 5] >> 4, (data[at + 5] & 15 if version in (1, 2) else 0)
    at += 6
    count_size = 4 if version == 2 else 2
    count = _uint(data, at, count_size)
    at += count_size
    items = []
    for _ in range(count):
        item = _uint(data, at, count_size)
        at += count_size + (2 if version in (1, 2) else 0) + 2
        base_at = at
        at += base_size
        extents = []
        n = _uint(data, at, 2)
        at += 2
        for _ in range(n):
            at += index_size
            extents.append((at, offset_size, at + offset_size, length_size))
            at += offset_size + length_size
        items.append((item, base_at, base_size, extents))
    return items


def _encoded(picture: Image.Image) -> tuple[bytes, bytes]:
    """The hvcC box and the coded data of `picture` as one HEVC image (pillow-heif, x265)."""
    buffer = io.BytesIO()
    pillow_heif.from_pillow(picture.convert("RGB")).save(buffer, quality=60, enc_params={"preset": "ultrafast"})
    data = buffer.getvalue()
    top = _children(data, 0, len(data))
    meta = _box(top, "meta")
    inside = _children(data, meta[3] + 4, meta[1] + meta[2])
    ipco = _box(_children(data, _box(inside, "iprp")[3], meta[1] + meta[2]), "ipco")
    hvcc = _box(_children(data, ipco[3], ipco[1] + ipco[2]), "hvcC")
    (item, base_at, base_size, ((offset_at, offset_size, length_at, length_size),)), *_ = [
        entry for entry in _iloc_fields(data, _box(inside, "iloc")) if entry[0] == _primary(data, inside)
    ]
    start = _uint(data, base_at, base_size) + _uint(data, offset_at, offset_size)
    return data[hvcc[1] : hvcc[1] + hvcc[2]], data[start : start + _uint(data, length_at, length_size)]


def _primary(data: bytes, inside: list[tuple[str, int, int, int]]) -> int:
    pitm = _box(inside, "pitm")
    return _uint(data, pitm[3] + 4, 4 if data[pitm[3]] else 2)


def distinct_picture(number: int) -> Image.Image:
    """A picture of its own for each number: smooth random colour fields, as far from each other in
    perceptual hash as unrelated photos (and about as costly to code as a photo's thumbnail)."""
    rng = np.random.default_rng(number)
    coarse = Image.fromarray(rng.integers(0, 256, (6, 8, 3), dtype=np.uint8), "RGB").resize(
        (320, 240), Image.Resampling.BICUBIC
    )
    grain = rng.normal(0, 6, (240, 320, 3))
    return Image.fromarray(np.clip(np.asarray(coarse, dtype=np.float64) + grain, 0, 255).astype(np.uint8), "RGB")


def with_thumbnail(data: bytes, picture: Image.Image) -> bytes:
    """`data` (a HEIC with one embedded thumbnail of one extent) with that thumbnail showing
    `picture` (resized to the thumbnail's size, which its `ispe` property keeps)."""
    top = _children(data, 0, len(data))
    meta, mdat = _box(top, "meta"), _box(top, "mdat")
    inside = _children(data, meta[3] + 4, meta[1] + meta[2])
    iprp = _box(inside, "iprp")
    in_iprp = _children(data, iprp[3], iprp[1] + iprp[2])
    ipco = _box(in_iprp, "ipco")
    properties = _children(data, ipco[3], ipco[1] + ipco[2])
    thumbnail = _thumbnail_item(data, _box(inside, "iref"))
    old_hvcc = next(
        properties[i - 1]
        for i in _properties_of(data, _box(in_iprp, "ipma"), thumbnail)
        if properties[i - 1][0] == "hvcC"
    )
    ispe = next(
        properties[i - 1]
        for i in _properties_of(data, _box(in_iprp, "ipma"), thumbnail)
        if properties[i - 1][0] == "ispe"
    )
    size = struct.unpack_from(">II", data, ispe[3] + 4)
    new_hvcc, new_data = _encoded(picture.convert("RGB").resize(size))
    items = _iloc_fields(data, _box(inside, "iloc"))
    (_, base_at, base_size, extents), *_ = [entry for entry in items if entry[0] == thumbnail]
    if len(extents) != 1:
        raise ValueError("a thumbnail of several extents")
    offset_at, offset_size, length_at, length_size = extents[0]
    thumb_start = _uint(data, base_at, base_size) + _uint(data, offset_at, offset_size)
    thumb_length = _uint(data, length_at, length_size)
    hvcc_end = old_hvcc[1] + old_hvcc[2]
    d1, d2 = len(new_hvcc) - old_hvcc[2], len(new_data) - thumb_length
    if not hvcc_end <= mdat[1] <= thumb_start:
        raise ValueError("an unexpected layout")
    out = bytearray(
        data[: old_hvcc[1]] + new_hvcc + data[hvcc_end:thumb_start] + new_data + data[thumb_start + thumb_length :]
    )

    def moved(position: int) -> int:  # where a byte of `data` is in `out`
        return position + (d1 if position >= hvcc_end else 0) + (d2 if position >= thumb_start + thumb_length else 0)

    for box in (meta, iprp, ipco):
        struct.pack_into(">I", out, box[1], box[2] + d1)
    struct.pack_into(">I", out, moved(mdat[1]), mdat[2] + d2)
    for item, item_base_at, item_base_size, item_extents in items:
        base = _uint(data, item_base_at, item_base_size)
        if item_base_size and base >= mdat[1]:
            out[moved(item_base_at) : moved(item_base_at) + item_base_size] = moved(base).to_bytes(
                item_base_size, "big"
            )
        for at, width, length_field, length_width in item_extents:
            value = _uint(data, at, width)
            if not item_base_size and value >= mdat[1]:  # file offsets (not idat's, nor another item's)
                out[moved(at) : moved(at) + width] = moved(value).to_bytes(width, "big")
            if item == thumbnail:
                out[moved(length_field) : moved(length_field) + length_width] = len(new_data).to_bytes(
                    length_width, "big"
                )
    return bytes(out)
