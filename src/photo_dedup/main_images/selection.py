"""The verify stage's light first job: which photos need their main image decoded, in N lists.

A photo fingerprinted from its embedded thumbnail (fingerprint.heic_thumbnail) is listed when it
lands in a candidate pair (`verify: candidates`, the default), or always (`verify: all`). Candidate
pairs are those the gather searches (match.hash_search: phash or dhash within max_hash_distance;
byte copies share both), here searched THUMBNAIL_MARGIN bits wider, since a thumbnail's hashes lie a
few bits from its main image's. The search runs between distinct hash values (a value two photos
share puts both in a pair), so a library of 3,000 identical frames costs one value, not 4.5 million
pairs.

The lists are balanced by bytes (a main image's decode costs about its file's size) and their
number is fixed when the workflow is read, so Snakemake knows every verify job before it runs.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from photo_dedup.cache.atomic import replacing
from photo_dedup.cache.chunk_records import ChunkWriter, iter_sidecars, rebuilt_when_damaged
from photo_dedup.cache.sidecar_record import Sidecar
from photo_dedup.fingerprint.signature import hash_bits
from photo_dedup.main_images.store import THUMBNAIL_MARGIN, needs_main_image
from photo_dedup.match.hash_search import close_pairs

log = logging.getLogger(__name__)

MODES = ("candidates", "all")


def in_some_pair(hashes: np.ndarray, max_distance: int) -> np.ndarray:
    """Whether each hash is within `max_distance` bits of another photo's (one a photo, uint64)."""
    values, inverse, counts = np.unique(hashes, return_inverse=True, return_counts=True)
    paired = counts > 1
    pairs = close_pairs(values, max_distance)
    paired[pairs.ravel()] = True
    result: np.ndarray = paired[inverse.reshape(-1)]
    return result


def photos_to_verify(records: Sequence[Sidecar], mode: str, max_distance: int) -> list[Sidecar]:
    """The readable records whose main image must be decoded, in their order."""
    if mode not in MODES:
        raise ValueError(f"verify must be one of {', '.join(MODES)}, not {mode!r}")
    readable = [record for record in records if not record.get("error")]
    pending = np.array([needs_main_image(record) for record in readable], dtype=bool)
    if mode == "all" or not pending.any():
        return [record for record, wanted in zip(readable, pending.tolist(), strict=True) if wanted]
    distance = max_distance + THUMBNAIL_MARGIN
    wanted = np.zeros(len(readable), dtype=bool)
    for key in ("phash", "dhash"):
        hashes = np.array([hash_bits(record[key]) for record in readable], dtype=np.uint64)
        wanted |= in_some_pair(hashes, distance)
    return [record for record, chosen in zip(readable, (wanted & pending).tolist(), strict=True) if chosen]


def balanced_lists(records: Sequence[Sidecar], n_lists: int) -> list[list[Sidecar]]:
    """`n_lists` lists of about equal bytes (largest first onto the lightest list), each by path."""
    lists: list[list[Sidecar]] = [[] for _ in range(n_lists)]
    load = [0] * n_lists
    for record in sorted(records, key=lambda r: (-int(r.get("size") or 0), r["path"])):
        lightest = min(range(n_lists), key=lambda i: (load[i], i))
        lists[lightest].append(record)
        load[lightest] += int(record.get("size") or 0)
    return [sorted(found, key=lambda r: r["path"]) for found in lists]


def verify_lists(chunk_files: Sequence[str], list_files: Sequence[str], mode: str, max_distance: int) -> None:
    """The verify_lists step: every chunk's sidecars in; the verify jobs' lists out (one a file)."""
    started = time.monotonic()
    with rebuilt_when_damaged():
        records = list(iter_sidecars(chunk_files))
    chosen = photos_to_verify(records, mode, max_distance)
    for path, found in zip(list_files, balanced_lists(chosen, len(list_files)), strict=True):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with replacing(path) as tmp, ChunkWriter(tmp) as out:
            for record in found:
                out.write(record)
    pending = sum(needs_main_image(record) for record in records)
    log.info(
        "verify %s: %d of %d photos fingerprinted from a thumbnail listed (of %d photos), in %d lists, %.1f s",
        mode,
        len(chosen),
        pending,
        len(records),
        len(list_files),
        time.monotonic() - started,
    )
