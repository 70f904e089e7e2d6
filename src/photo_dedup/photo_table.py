"""All sidecars of a run, loaded once into arrays that grouping can work on."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from photo_dedup.signature import COLOUR_SIDE, LUMA_SIDE, decode_colours, decode_luma, hash_bits

# Columns kept for every photo; signatures go into arrays, not the frame.
COLUMNS = [
    "path",
    "digest",
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
    "colorfulness",
    "jpeg_quality",
    "phash",
    "dhash",
]


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


def iter_sidecars(chunk_files: Iterable[str | Path]) -> Iterator[dict[str, Any]]:
    """Stream sidecar records from chunk files, one at a time."""
    for chunk in chunk_files:
        with open(chunk, encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield json.loads(line)


def load_photo_table(records: Iterable[dict[str, Any]]) -> tuple[PhotoTable, pd.DataFrame]:
    """Split records into readable photos (a PhotoTable) and unreadable ones (path, reason)."""
    rows: list[dict[str, Any]] = []
    phash: list[int] = []
    dhash: list[int] = []
    luma: list[np.ndarray] = []
    colours: list[np.ndarray] = []
    failed: list[dict[str, str]] = []
    for record in records:
        if record.get("error"):
            failed.append({"path": record["path"], "reason": record["error"]})
            continue
        rows.append({column: record.get(column) for column in COLUMNS})
        phash.append(hash_bits(record["phash"]))
        dhash.append(hash_bits(record["dhash"]))
        luma.append(decode_luma(record["luma64"]))
        colours.append(decode_colours(record["rgb4"]))
    photos = pd.DataFrame(rows, columns=COLUMNS)
    order = np.argsort(photos["path"].to_numpy(dtype=str), kind="stable") if rows else np.array([], dtype=int)
    photos = photos.iloc[order].reset_index(drop=True)
    table = PhotoTable(
        photos=photos,
        phash=np.asarray(phash, dtype=np.uint64)[order],
        dhash=np.asarray(dhash, dtype=np.uint64)[order],
        luma=(np.stack(luma) if luma else np.empty((0, LUMA_SIDE, LUMA_SIDE), np.uint8))[order],
        colours=(np.stack(colours) if colours else np.empty((0, COLOUR_SIDE, COLOUR_SIDE, 3), np.uint8))[order],
    )
    unreadable = pd.DataFrame(failed, columns=["path", "reason"])
    return table, unreadable
