"""All sidecars of a run, loaded once into arrays that grouping can work on."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from photo_dedup.cache.chunk_records import iter_sidecars
from photo_dedup.cache.sidecar_record import Sidecar
from photo_dedup.fingerprint.signature import COLOUR_SIDE, LUMA_SIDE, decode_colours, decode_luma, hash_bits
from photo_dedup.shapes import Photo

# Sidecars written before a column was renamed name it the old way.
_OLD_NAMES = {"colourfulness": "colorfulness"}


# The sidecar fields kept for every readable photo; its signatures go into arrays instead.
COLUMNS: list[str] = [
    "path",
    "digest",
    "embedded_video",
    "size",
    "format",
    "width",
    "height",
    "taken",
    "make",
    "model",
    "has_gps",
    "software",
    "orientation",
    "thumbnail",
    "colourfulness",
    "jpeg_quality",
    "jpeg_grid",
    "frames",
    "tone_levels",
    "phash",
    "dhash",
    "main_verified",  # False: fingerprinted from a HEIC's thumbnail, main image not decoded (main_images)
    "thumbnail_distance",  # verified: pHash bits between its embedded thumbnail and its main image
]
assert set(COLUMNS) <= set(Sidecar.__annotations__)


@dataclass
class PhotoTable:
    """Readable photos as a frame plus aligned signature arrays (row i = photo i)."""

    photos: pd.DataFrame
    phash: np.ndarray  # uint64
    dhash: np.ndarray  # uint64
    luma: np.ndarray  # (n, 64, 64) uint8
    colours: np.ndarray  # (n, 4, 4, 3) uint8

    def __len__(self) -> int:
        return len(self.photos)

    def records(self, rows: Iterable[int]) -> dict[int, Photo]:
        """The photos in `rows` as plain records, keyed by row (new ones each call: callers add keys).
        Only these rows are converted: the groups hold a small part of a large library. The values
        are what the record's types say: an absent fact is None (never the frame's NaN), and a whole
        number is an int (never the 85.0 a column with gaps holds)."""
        wanted = sorted(set(rows))
        converted = self.photos.iloc[wanted].to_dict("records")
        return {
            row: cast(Photo, {str(k): plain_value(str(k), v) for k, v in record.items()})
            for row, record in zip(wanted, converted, strict=True)
        }

    def subset(self, keep: np.ndarray) -> PhotoTable:
        """The photos where `keep` is true, with their signatures."""
        return PhotoTable(
            photos=self.photos[keep].reset_index(drop=True),
            phash=self.phash[keep],
            dhash=self.dhash[keep],
            luma=self.luma[keep],
            colours=self.colours[keep],
        )


# The fields a record types as whole numbers (`int` or `int | None` in Sidecar and Photo).
def _type_name(kind: Any) -> str:
    return str(getattr(kind, "__forward_arg__", kind))


_WHOLE_NUMBERS = frozenset(
    name
    for name, kind in {**Sidecar.__annotations__, **Photo.__annotations__}.items()
    if _type_name(kind).split("|")[0].strip() == "int"
)


def plain_value(field: str, value: Any) -> Any:
    """A frame's value as the record's type has it: NaN (and pandas' NA) as None, a whole number of
    an int field as an int."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if field in _WHOLE_NUMBERS and isinstance(value, numbers.Real) and not isinstance(value, bool):
        return int(float(value))
    return value.item() if isinstance(value, np.generic) else value


def _count_records(chunk_files: Sequence[str | Path]) -> int:
    total = 0
    for chunk in chunk_files:
        with open(chunk, "rb") as handle:
            total += sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
    return total


def load_photo_table(chunk_files: Sequence[str | Path]) -> tuple[PhotoTable, pd.DataFrame]:
    """Stream the chunks' sidecars into a PhotoTable (readable photos) and a frame of unreadable ones.

    Memory: signatures go straight into arrays allocated once (64x64 + 48 bytes a photo), and
    the other facts into one list per column; photos keep the chunks' order (sorted by chunk,
    then by path), so no second copy is made to sort them.
    """
    capacity = _count_records(chunk_files)
    phash = np.empty(capacity, dtype=np.uint64)
    dhash = np.empty(capacity, dtype=np.uint64)
    luma = np.empty((capacity, LUMA_SIDE, LUMA_SIDE), dtype=np.uint8)
    colours = np.empty((capacity, COLOUR_SIDE, COLOUR_SIDE, 3), dtype=np.uint8)
    columns: dict[str, list[Any]] = {column: [] for column in COLUMNS}
    failed: list[dict[str, str]] = []
    n = 0
    for sidecar in iter_sidecars(chunk_files):
        record = cast("dict[str, Any]", sidecar)  # read by name: older sidecars may use older names
        if record.get("error"):
            failed.append({"path": record["path"], "reason": record["error"]})
            continue
        for column, values in columns.items():
            values.append(record[column] if column in record else record.get(_OLD_NAMES.get(column, column)))
        phash[n] = hash_bits(record["phash"])
        dhash[n] = hash_bits(record["dhash"])
        luma[n] = decode_luma(record["luma64"])
        colours[n] = decode_colours(record["rgb4"])
        n += 1
    table = PhotoTable(
        photos=pd.DataFrame(columns, columns=COLUMNS),
        phash=phash[:n],
        dhash=dhash[:n],
        luma=luma[:n],
        colours=colours[:n],
    )
    return table, pd.DataFrame(failed, columns=["path", "reason"])
