"""The gather's side of the verify stage: the verified sidecars in place of the thumbnails' ones, and
no photo in a group whose main image was not decoded.

The verify jobs decoded the main images of the photos the verify lists named (selection.py). The
gather then holds the rest to the same rule, in this process: a photo fingerprinted from its
thumbnail that is still in a candidate pair (a stale thumbnail's main image moved another photo's
partner close to it), or in any group at all (an edit found by the crop search, which the hash
search does not see), has its main image decoded before the groups are final, and the groups are
made again. These are few; their records go to the verify cache like the jobs' (store.py).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from photo_dedup.cache.chunk_records import iter_sidecars
from photo_dedup.cache.sidecar_record import Sidecar
from photo_dedup.cache.sidecar_store import SidecarStore
from photo_dedup.fingerprint.signature import decode_colours, decode_luma, hash_bits
from photo_dedup.main_images.selection import in_some_pair
from photo_dedup.main_images.store import main_image_record
from photo_dedup.match.photo_table import COLUMNS, PhotoTable
from photo_dedup.shapes import Group

log = logging.getLogger(__name__)

# groups.json: on every member, whether its main image was decoded whole, with the integrity
# checks, before it was grouped (always true there), and by which step.
VERIFIED, VERIFIED_BY = "verified", "verified_by"
BY_FINGERPRINT, BY_VERIFY = "fingerprint", "verify"


def unverified(table: PhotoTable) -> np.ndarray:
    """Rows fingerprinted from a thumbnail whose main image is not decoded yet."""
    if "main_verified" not in table.photos:
        return np.zeros(len(table), dtype=bool)
    flags: np.ndarray = (table.photos["main_verified"] == False).to_numpy(dtype=bool)  # noqa: E712 - None is verified
    return flags


@dataclass
class MainImages:
    """The verify stage's records and how to make more (None: no verify stage, as outside the workflow)."""

    verified_files: Sequence[str]
    cache_dir: str | None = None
    max_pixels: int = 250_000_000
    decoded_here: int = 0
    tried: set[str] = field(default_factory=set)  # paths decoded here: none is tried twice

    def applied(self, table: PhotoTable, failed: pd.DataFrame) -> tuple[PhotoTable, pd.DataFrame]:
        """The verify jobs' records in place of the rows they verified (by path, same digest)."""
        records = {record["path"]: record for record in iter_sidecars(self.verified_files)}
        return apply_records(table, failed, records)

    def closed(
        self, table: PhotoTable, failed: pd.DataFrame, max_distance: int, rows: Iterable[int] = ()
    ) -> tuple[PhotoTable, pd.DataFrame, bool]:
        """Every unverified row in `rows` or in a candidate pair decoded now; and whether any was."""
        todo = np.zeros(len(table), dtype=bool)
        todo[list(rows)] = True
        pending = unverified(table)
        if pending.any():
            for hashes in (table.phash, table.dhash):
                todo |= in_some_pair(hashes, max_distance)
        todo &= pending
        if not todo.any():
            return table, failed, False
        if self.cache_dir is None:
            raise ValueError("photos fingerprinted from a thumbnail need the cache folder to be verified")
        store = SidecarStore(self.cache_dir)
        records: dict[str, Sidecar] = {}
        for row in np.flatnonzero(todo).tolist():
            path = str(table.photos.at[row, "path"])
            sidecar = store.read_sidecar(path)
            if sidecar is None or sidecar.get("digest") != table.photos.at[row, "digest"]:
                sidecar = {"path": path, "digest": str(table.photos.at[row, "digest"]), "size": -1}
            if path in self.tried:  # its record did not take (never expected): left out, not grouped unverified
                records[path] = {**sidecar, "error": "its main image could not be verified"}
                continue
            self.tried.add(path)
            record, decoded = main_image_record(sidecar, self.cache_dir, self.max_pixels)
            self.decoded_here += int(decoded)
            records[path] = record
        log.info("%d main images decoded in the gather (in a pair or a group, not listed)", len(records))
        table, failed = apply_records(table, failed, records)
        return table, failed, True


def apply_records(
    table: PhotoTable, failed: pd.DataFrame, records: Mapping[str, Sidecar]
) -> tuple[PhotoTable, pd.DataFrame]:
    """Each row with a record of the same digest takes the record's picture, or leaves for `failed`."""
    if not records:
        return table, failed
    photos = table.photos
    if "main_verified" not in photos:
        photos["main_verified"] = None
    keep = np.ones(len(table), dtype=bool)
    reasons: list[dict[str, str]] = []
    columns = [column for column in COLUMNS if column not in ("path", "digest", "size", "embedded_video")]
    for row, (path, digest) in enumerate(zip(photos["path"].tolist(), photos["digest"].tolist(), strict=True)):
        record: Any = records.get(path)
        if record is None or record.get("digest") != digest:
            continue
        if record.get("error"):
            keep[row] = False
            reasons.append({"path": path, "reason": str(record["error"])})
            continue
        for column in columns:
            photos.at[row, column] = record.get(column)
        photos.at[row, "main_verified"] = True
        table.phash[row] = hash_bits(record["phash"])
        table.dhash[row] = hash_bits(record["dhash"])
        table.luma[row] = decode_luma(record["luma64"])
        table.colours[row] = decode_colours(record["rgb4"])
    if reasons:
        failed = pd.concat([failed, pd.DataFrame(reasons, columns=["path", "reason"])], ignore_index=True)
    return (table if keep.all() else table.subset(keep)), failed


def member_rows(table: PhotoTable, groups: Iterable[Any]) -> list[int]:
    """Rows of photos in any group that are still unverified."""
    pending = unverified(table)
    return sorted({index for group in groups for index in group.members if pending[index]})


def with_verified(groups: Sequence[Group], table: PhotoTable) -> None:
    """groups.json's `verified` and `verified_by` on every member (see VERIFIED)."""
    flags = table.photos["main_verified"] if "main_verified" in table.photos else [None] * len(table)
    by_path = dict(zip(table.photos["path"], flags, strict=True))
    for member in (member for group in groups for member in group.members):
        flag = by_path.get(member["path"])
        member["verified"] = flag is not False
        member["verified_by"] = BY_VERIFY if flag is True else BY_FINGERPRINT


def counts(table: PhotoTable, mode: str) -> dict[str, Any]:
    """For groups.json's summary: how many photos were fingerprinted from a thumbnail, and of those
    how many had their main image decoded (`verify`: the mode)."""
    pending = unverified(table)
    flags = table.photos["main_verified"] if "main_verified" in table.photos else pd.Series([None] * len(table))
    verified_rows = (flags == True).to_numpy(dtype=bool)  # noqa: E712 - None is not True
    return {
        "verify": mode,
        "main_images_unchecked": int(pending.sum()),
        "main_images_verified": int(verified_rows.sum()),
    }
