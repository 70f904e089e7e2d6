"""Split the scanned photos into stable chunks, one Snakemake job each.

One job per photo does not scale (a job costs ~0.25 s and the scheduler's work
grows with the square of the job count), so photos are fingerprinted in chunks.
A photo's chunk depends only on its path and the chunk count, and the count
only changes when the library doubles or halves, so adding, changing or
removing a photo touches one chunk's manifest. Snakemake reruns a chunk when
its manifest is newer than its output: its own bookkeeping decides what runs.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from photo_dedup.scan import FileEntry

# At least this many chunks where the number of cores is not known; given --cores, four a core.
# Chunks are split by a hash of the path, so they differ in size; several a core keep one large
# chunk from being the only work left at the end. Measured on 132 phone HEICs (2 cores): 2 chunks
# of 81 and 51 photos 53.0 s, 8 chunks of 11 to 30 photos 53.6 s: no gain there, so this rests on
# the expected balance, not on a measurement. A chunk gets at least MIN_PHOTOS_PER_CHUNK photos,
# since every job costs an interpreter and its imports (~0.4 s): 46 small JPEGs went from 5.4 s
# (8 chunks) to 4.3 s (2).
MIN_CHUNKS = 8
CHUNKS_PER_CORE = 4
MIN_PHOTOS_PER_CHUNK = 16


def chunk_count(n_photos: int, photos_per_chunk: int, cores: int | None = None) -> int:
    """Smallest power of two that keeps chunks at or under `photos_per_chunk`, and gives at least
    CHUNKS_PER_CORE a core (MIN_CHUNKS if `cores` is None) where each still holds MIN_PHOTOS_PER_CHUNK."""
    wanted = MIN_CHUNKS if cores is None else CHUNKS_PER_CORE * max(1, cores)
    worth = min(wanted, math.ceil(n_photos / MIN_PHOTOS_PER_CHUNK))
    needed = max(1, math.ceil(n_photos / max(1, photos_per_chunk)), worth)
    return 1 << (needed - 1).bit_length()


def chunk_of(path: str, n_chunks: int) -> int:
    """The chunk a path belongs to: a stable hash of the path, modulo the count."""
    digest = hashlib.blake2b(path.encode("utf-8", "surrogateescape"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % n_chunks


def chunk_name(index: int) -> str:
    return f"c{index:05d}"


def split_into_chunks(
    photos: Iterable[FileEntry], photos_per_chunk: int, cores: int | None = None
) -> dict[str, list[FileEntry]]:
    """Map chunk name to its photos (sorted by path); empty chunks are left out."""
    photos = list(photos)
    n_chunks = chunk_count(len(photos), photos_per_chunk, cores)
    chunks: dict[str, list[FileEntry]] = {}
    for entry in sorted(photos):
        chunks.setdefault(chunk_name(chunk_of(entry.path, n_chunks)), []).append(entry)
    return dict(sorted(chunks.items()))


def manifest_text(entries: Iterable[FileEntry]) -> str:
    """A chunk manifest: one JSON object per line (a path may hold any character)."""
    return "".join(
        json.dumps({"path": e.path, "size": e.size, "mtime_ns": e.mtime_ns}, sort_keys=True) + "\n" for e in entries
    )


def read_manifest(path: str | Path) -> Iterator[FileEntry]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            yield FileEntry(record["path"], record["size"], record["mtime_ns"])


def write_if_changed(path: Path, text: str) -> bool:
    """Write `text` unless the file already holds it, so its mtime moves only on change."""
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return True


def write_manifests(chunks: dict[str, list[FileEntry]], folder: Path) -> list[str]:
    """Write one manifest per chunk (only where changed), remove stale ones.

    Returns:
        The names of the chunks whose manifest was (re)written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    changed = [
        name for name, entries in chunks.items() if write_if_changed(folder / f"{name}.jsonl", manifest_text(entries))
    ]
    for stale in folder.glob("*.jsonl"):
        if stale.stem not in chunks:
            stale.unlink()
    return changed
