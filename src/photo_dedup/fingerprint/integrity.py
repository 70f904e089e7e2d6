"""Is every byte a photo's main image needs inside the file? Decoders do not always say.

libheif paints a grid tile whose data lies past the end of a file cut short in one colour and
reports nothing, and a camera RAW's preview may still decode when its sensor data is cut off. So
the file's own table of where its image data lies is read and held against the file's size:
- HEIF/AVIF (ISOBMFF): the `iloc` box's extents of the primary item and of every item it is
  derived from (a grid's tiles, `dimg` references);
- TIFF-based camera RAWs (DNG, CR2, NEF, ARW, ...): every strip and tile of every directory
  (the IFD chain and its SubIFDs).
Both parsers read the few boxes and directories they need, never the image data.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from typing import BinaryIO


class MissingData(Exception):
    """The file lacks data its image needs: cut short, or its tables damaged."""

    def __init__(self, detail: str, truncated: bool = True):
        super().__init__(detail)
        self.detail = detail
        self.truncated = truncated

    def reason(self, kind: str) -> str:
        """For a person: "the main image's data ends past the end of the file (...)"."""
        return f"{'truncated' if self.truncated else 'damaged'} {kind}: {self.detail}"


_MAX_META = 64 << 20  # a meta box (item tables, small items) larger than this is not a photo's


@dataclass(frozen=True)
class Extent:
    method: int  # iloc construction method: 0 = file offset, 1 = offset in idat, 2 = in another item
    offset: int
    length: int  # 0 = to the end of the file (or of idat)


def heif_needed_end(path: str) -> tuple[int, int, int]:
    """(bytes the main image needs, bytes every item needs, file size) of a HEIF/AVIF file: each of
    the main image's items must have a location; any other item (another image, a thumbnail, EXIF)
    counts where it has one.

    Raises:
        MissingData: the file's item tables are cut short or damaged.
    """
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        meta = _top_level_meta(handle, size)
    boxes = dict(_boxes(meta, 4))  # a FullBox: version and flags first
    for name in ("pitm", "iloc"):
        if name not in boxes:
            raise MissingData(f"no {name} box", truncated=False)
    primary = _primary_item(boxes["pitm"])
    locations = parse_iloc(boxes["iloc"])
    idat_length = len(boxes.get("idat", b""))
    needed = derived_from(boxes.get("iref", b""), primary)
    end = 0
    for item in sorted(needed):
        if item not in locations:
            raise MissingData(f"item {item} of the main image has no location", truncated=False)
        for extent in locations[item]:
            if extent.method == 1 and extent.offset + extent.length > idat_length:
                raise MissingData(f"item {item} lies outside its idat box", truncated=False)
            if extent.method == 0:
                end = max(end, extent.offset + extent.length)
    # and every other item (another image of the file, its thumbnail, its EXIF): a file cut short
    # anywhere is cut short, though its main image be whole (pillow_heif's truncated.heic)
    others = (extent for item, extents in locations.items() if item not in needed for extent in extents)
    return end, max([end, *(extent.offset + extent.length for extent in others if extent.method == 0)]), size


def check_heif(path: str) -> None:
    """Raise MissingData unless every item the main image needs lies wholly inside the file (cost: a
    few reads of the file's first boxes, under a millisecond)."""
    end, items_end, size = heif_needed_end(path)
    if end > size:
        raise MissingData(f"the main image's data ends past the end of the file ({size} of {end} bytes)")
    if items_end > size:  # the main image whole, another image or item cut: the file is cut short all the same
        raise MissingData(f"another image or item of the file ends past its end ({size} of {items_end} bytes)")


def _top_level_meta(handle: BinaryIO, size: int) -> bytes:
    position = 0
    while position + 8 <= size:
        handle.seek(position)
        header = handle.read(16)
        length, name = struct.unpack(">I4s", header[:8])
        start = 8
        if length == 1:
            if len(header) < 16:
                break
            (length,) = struct.unpack(">Q", header[8:16])
            start = 16
        elif length == 0:
            length = size - position
        if length < start:
            raise MissingData(f"a box ({name.decode('latin-1')}) of {length} bytes", truncated=False)
        if name == b"meta":
            if position + length > size:
                raise MissingData(f"its item table ends past the end of the file ({size} of {position + length} bytes)")
            if length > _MAX_META:
                raise MissingData(f"a meta box of {length} bytes", truncated=False)
            handle.seek(position + start)
            return handle.read(length - start)
        position += length
    raise MissingData("no item table (meta box) inside the file", truncated=False)


def _boxes(data: bytes, start: int = 0) -> list[tuple[str, bytes]]:
    """The child boxes of a box's payload, by name (their payloads)."""
    found = []
    position = start
    while position + 8 <= len(data):
        length, name = struct.unpack_from(">I4s", data, position)
        header = 8
        if length == 1:
            (length,) = struct.unpack_from(">Q", data, position + 8)
            header = 16
        elif length == 0:
            length = len(data) - position
        if length < header or position + length > len(data):
            raise MissingData(f"a box ({name.decode('latin-1')}) overruns its parent", truncated=False)
        found.append((name.decode("latin-1"), data[position + header : position + length]))
        position += length
    return found


def _primary_item(pitm: bytes) -> int:
    version = pitm[0]
    return int(struct.unpack_from(">I" if version else ">H", pitm, 4)[0])


def parse_iloc(iloc: bytes) -> dict[int, list[Extent]]:
    """Item id -> its extents, absolute (the base offset added), from an `iloc` box's payload."""
    try:
        version = iloc[0]
        sizes = struct.unpack_from(">BB", iloc, 4)
        offset_size, length_size = sizes[0] >> 4, sizes[0] & 15
        base_size, index_size = sizes[1] >> 4, (sizes[1] & 15 if version in (1, 2) else 0)
        position = 6
        count, position = _uint(iloc, position, 4 if version == 2 else 2)
        locations: dict[int, list[Extent]] = {}
        for _ in range(count):
            item, position = _uint(iloc, position, 4 if version == 2 else 2)
            method = 0
            if version in (1, 2):
                field, position = _uint(iloc, position, 2)
                method = field & 15
            position += 2  # data_reference_index
            base, position = _uint(iloc, position, base_size)
            extents, position = _uint(iloc, position, 2)
            found = []
            for _ in range(extents):
                position += index_size
                offset, position = _uint(iloc, position, offset_size)
                length, position = _uint(iloc, position, length_size)
                found.append(Extent(method, base + offset, length))
            locations[item] = found
    except (struct.error, IndexError, ValueError) as error:
        raise MissingData("its iloc box is cut short", truncated=False) from error
    return locations


def derived_from(iref: bytes, primary: int) -> set[int]:
    """The primary item and every item it is derived from (`dimg`: a grid's tiles, an overlay's parts)."""
    if not iref:
        return {primary}
    wide = iref[0] == 1
    references: dict[int, list[int]] = {}
    try:
        for name, payload in _boxes(iref, 4):
            if name != "dimg":
                continue
            source, position = _uint(payload, 0, 4 if wide else 2)
            count, position = _uint(payload, position, 2)
            for _ in range(count):
                target, position = _uint(payload, position, 4 if wide else 2)
                references.setdefault(source, []).append(target)
    except (struct.error, ValueError) as error:
        raise MissingData("its iref box is cut short", truncated=False) from error
    needed, todo = set(), [primary]
    while todo:
        item = todo.pop()
        if item not in needed:
            needed.add(item)
            todo.extend(references.get(item, ()))
    return needed


def _uint(data: bytes, position: int, size: int) -> tuple[int, int]:
    if size == 0:
        return 0, position
    if size not in (1, 2, 4, 8) or position + size > len(data):
        raise ValueError(f"field of {size} bytes at {position}")
    return int.from_bytes(data[position : position + size], "big"), position + size


# TIFF: tag numbers and the byte sizes of the value types that can hold offsets and counts.
_STRIP_OFFSETS, _STRIP_COUNTS, _TILE_OFFSETS, _TILE_COUNTS, _SUB_IFDS = 273, 279, 324, 325, 330
_TYPE_SIZES = {1: 1, 3: 2, 4: 4, 13: 4, 16: 8}
_MAX_IFDS = 64


def tiff_needed_end(path: str) -> tuple[int, int] | None:
    """(bytes the image data of every directory needs, file size) of a classic TIFF file, or None
    for a file that is not one (CR3, RAF, ORF and other RAWs with a header of their own).

    Raises:
        MissingData: a directory lies outside the file.
    """
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        header = handle.read(8)
        if len(header) < 8 or header[:4] not in (b"II*\0", b"MM\0*"):
            return None
        order = "<" if header[:2] == b"II" else ">"
        todo = [struct.unpack(order + "I", header[4:8])[0]]
        seen: set[int] = set()
        end = 0
        while todo and len(seen) < _MAX_IFDS:
            offset = todo.pop()
            if offset == 0 or offset in seen:
                continue
            seen.add(offset)
            tags, following = _ifd(handle, order, offset, size)
            todo.append(following)
            todo.extend(tags.get(_SUB_IFDS, []))
            for offsets_tag, counts_tag in ((_STRIP_OFFSETS, _STRIP_COUNTS), (_TILE_OFFSETS, _TILE_COUNTS)):
                for start, count in zip(tags.get(offsets_tag, []), tags.get(counts_tag, []), strict=False):
                    end = max(end, start + count)
    return end, size


def check_tiff(path: str) -> None:
    """Raise MissingData unless every strip and tile of a TIFF-based file lies inside it."""
    found = tiff_needed_end(path)
    if found is not None and found[0] > found[1]:
        end, size = found
        raise MissingData(f"its image data ends past the end of the file ({size} of {end} bytes)")


def _ifd(handle: BinaryIO, order: str, offset: int, size: int) -> tuple[dict[int, list[int]], int]:
    """One directory's offset and count tags (as lists of numbers) and the next directory's offset."""
    handle.seek(offset)
    head = handle.read(2)
    if len(head) < 2:
        raise MissingData(f"a directory starts past the end of the file ({size} bytes)")
    (count,) = struct.unpack(order + "H", head)
    body = handle.read(count * 12 + 4)
    if len(body) < count * 12 + 4:
        raise MissingData(f"a directory ends past the end of the file ({size} bytes)")
    wanted = {_STRIP_OFFSETS, _STRIP_COUNTS, _TILE_OFFSETS, _TILE_COUNTS, _SUB_IFDS}
    tags: dict[int, list[int]] = {}
    for index in range(count):
        tag, kind, number = struct.unpack_from(order + "HHI", body, index * 12)
        width = _TYPE_SIZES.get(kind)
        if tag not in wanted or width is None or number > 1 << 20:
            continue
        raw = body[index * 12 + 8 : index * 12 + 12]
        if width * number > 4:
            (where,) = struct.unpack(order + "I", raw)
            handle.seek(where)
            raw = handle.read(width * number)
            if len(raw) < width * number:
                raise MissingData(f"a directory's table ends past the end of the file ({size} bytes)")
        code = {1: "B", 2: "H", 4: "I", 8: "Q"}[width]
        tags[tag] = list(struct.unpack_from(f"{order}{number}{code}", raw))
    (following,) = struct.unpack_from(order + "I", body, count * 12)
    return tags, following
