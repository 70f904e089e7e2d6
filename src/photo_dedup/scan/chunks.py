"""Split the scanned photos into stable chunks, one Snakemake job each.

One job per photo does not scale (a job costs ~0.25 s and the scheduler's work
grows with the square of the job count), so photos are fingerprinted in chunks.
A photo starts in the chunk its path hashes to; the count only changes when the
library doubles or halves; then a few photos move so that the chunks' estimated
costs (by format and bytes) are even. Once split, a photo stays in its chunk
(the last split is read back from the manifests): changing a photo touches its
own chunk's manifest only, adding one the cheapest chunk's, and an unchanged
library keeps its manifests. Snakemake reruns a chunk when its manifest is newer
than its output: its own bookkeeping decides what runs.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import math
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path, PurePath

from photo_dedup.cache.atomic import write_text
from photo_dedup.fingerprint.formats import RAW_EXTENSIONS
from photo_dedup.scan.walk import FileEntry

# At least this many chunks where the number of cores is not known; given --cores, two a core.
# Chunks are balanced by their estimated cost (photo_cost), so one a core would do, but the
# estimate is rough (one format's photos vary in how they compress); a second a core lets the core
# that finishes first take the other's last chunk. A chunk gets at least MIN_PHOTOS_PER_CHUNK
# photos, since every job costs an interpreter and its imports (~0.4 s): 46 small JPEGs went from
# 5.4 s (8 chunks) to 4.3 s (2).
MIN_CHUNKS = 8
CHUNKS_PER_CORE = 2
MIN_PHOTOS_PER_CHUNK = 16
# A rebalanced split stops once its costliest chunk is within this share of a core's work of its
# cheapest: what a core may wait at the end for the other's last chunk. With many chunks a core
# the hash split is within that already, and nothing moves.
BALANCE_TOLERANCE = 0.05

# Estimated cost of fingerprinting one photo, by file name extension: milliseconds for any file
# (open, digest, hashes, thumbnail) and milliseconds a megabyte (decoding, digest). Measured one
# photo at a time on the benchmarks' libraries (issue 23; README, Speed): a 12 MP camera JPEG of
# 4 MB 23 ms (DCT scaling decodes an eighth of it), a real 12 MP phone HEIC of about 2.5 MB 304 ms
# (decoded whole: no reduced decode), at 1600 px PNG 56 ms, deflate TIFF 32, WebP 20, AVIF 27.
_COST_MS = {".jpg": (4.0, 5.0), ".jpeg": (4.0, 5.0), ".png": (8.0, 15.0), ".tif": (6.0, 6.0)}
_COST_MS |= {".tiff": _COST_MS[".tif"], ".webp": (6.0, 60.0), ".avif": (10.0, 100.0), ".gif": (6.0, 30.0)}
_COST_MS |= {ext: (20.0, 110.0) for ext in (".heic", ".heif", ".hif")}
_RAW_COST_MS = (20.0, 2.0)
_OTHER_COST_MS = (8.0, 20.0)


def photo_cost(entry: FileEntry) -> int:
    """Estimated milliseconds to fingerprint a photo, from its extension and its size in bytes.

    The size counts in steps of a quarter power of two and the cost in whole milliseconds, so that
    a photo rewritten a little larger or smaller (new metadata) keeps its cost, and with it the
    split keeps its moves.
    """
    extension = PurePath(entry.path).suffix.lower()
    fixed, per_mb = _COST_MS.get(extension, _RAW_COST_MS if extension in RAW_EXTENSIONS else _OTHER_COST_MS)
    megabytes = 2.0 ** (round(4 * math.log2(max(entry.size, 1))) / 4) / 1e6
    return int(round(fixed + per_mb * megabytes))


def chunk_count(n_photos: int, photos_per_chunk: int, cores: int | None = None) -> int:
    """Smallest power of two that keeps chunks at or under `photos_per_chunk`, and gives at least
    CHUNKS_PER_CORE a core (MIN_CHUNKS if `cores` is None) where each still holds MIN_PHOTOS_PER_CHUNK."""
    wanted = MIN_CHUNKS if cores is None else CHUNKS_PER_CORE * max(1, cores)
    worth = min(wanted, math.ceil(n_photos / MIN_PHOTOS_PER_CHUNK))
    needed = max(1, math.ceil(n_photos / max(1, photos_per_chunk)), worth)
    return 1 << (needed - 1).bit_length()


def path_key(path: str) -> int:
    """A stable pseudo-random number for a path."""
    digest = hashlib.blake2b(path.encode("utf-8", "surrogateescape"), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def chunk_of(path: str, n_chunks: int) -> int:
    """The chunk a path starts in: a stable hash of the path, modulo the count."""
    return path_key(path) % n_chunks


def chunk_name(index: int) -> str:
    return f"c{index:05d}"


def split_into_chunks(
    photos: Iterable[FileEntry],
    photos_per_chunk: int,
    cores: int | None = None,
    previous: Mapping[str, int] | None = None,
) -> dict[str, list[FileEntry]]:
    """Map chunk name to its photos (sorted by path); empty chunks are left out.

    Each photo starts in the chunk its path hashes to, so the split depends on nothing but the
    photos (an unchanged library gets the same manifests, and no job reruns); then photos move from
    the costliest chunk to the cheapest until their estimated costs are within BALANCE_TOLERANCE of
    a core's work (see rebalanced), so that no core waits idle for one long chunk at the end.
    `cores` None (a cluster) counts CHUNKS_PER_CORE chunks a core.

    `previous` is the last split (path to chunk index, see previous_split). Where it made as many
    chunks as this library needs, every photo in it stays in its chunk, whatever its new size (a
    rebalance would move other photos: a photo rewritten smaller or larger changes the costs), and
    new photos go, one at a time, to the cheapest chunk; the fresh split is taken only where the kept
    one's costs spread further than its by more than twice the tolerance and a photo (photos removed
    from one chunk, say): a split the rebalance could not even out stays as it is.
    """
    photos = sorted(photos)
    n_chunks = chunk_count(len(photos), photos_per_chunk, cores)
    cores_at_once = cores or max(1, n_chunks // CHUNKS_PER_CORE)
    members: list[list[FileEntry]] = [[] for _ in range(n_chunks)]
    for entry in photos:
        members[chunk_of(entry.path, n_chunks)].append(entry)
    fresh = rebalanced(members, cores_at_once)
    kept = _kept_split(photos, n_chunks, previous or {})
    if kept is None or _spread(kept) > _spread(fresh) + _drift_allowed(photos, cores_at_once):
        kept = fresh
    chunks = {chunk_name(index): sorted(entries) for index, entries in enumerate(kept) if entries}
    return dict(sorted(chunks.items()))


def _spread(chunks: list[list[FileEntry]]) -> int:
    """The estimated cost of the costliest chunk less that of the cheapest."""
    loads = [sum(photo_cost(entry) for entry in entries) for entries in chunks]
    return max(loads) - min(loads)


def _drift_allowed(photos: list[FileEntry], cores: int) -> float:
    """How much more a kept split's costs may spread than a fresh split's: twice the tolerance, and
    one photo (a photo rewritten larger or smaller moves the costs by at most its own)."""
    total = sum(photo_cost(entry) for entry in photos)
    return 2 * BALANCE_TOLERANCE * total / max(1, cores) + max(map(photo_cost, photos), default=0)


def _kept_split(photos: list[FileEntry], n_chunks: int, previous: Mapping[str, int]) -> list[list[FileEntry]] | None:
    """The last split with this library's photos, new ones added to the cheapest chunk (see
    split_into_chunks), or None where there is no last split of this chunk count."""
    if not photos or not previous or max(previous.values()) >= n_chunks:
        return None
    members: list[list[FileEntry]] = [[] for _ in range(n_chunks)]
    loads = [0] * n_chunks
    new = []
    for entry in photos:
        index = previous.get(entry.path)
        if index is None:
            new.append(entry)
        else:
            members[index].append(entry)
            loads[index] += photo_cost(entry)
    for entry in sorted(new, key=lambda e: path_key(e.path)):
        lightest = min(range(n_chunks), key=lambda i: (loads[i], i))
        members[lightest].append(entry)
        loads[lightest] += photo_cost(entry)
    return members


def previous_split(folder: Path) -> dict[str, int]:
    """Path to chunk index of the manifests in `folder` (the last split); empty where there are none
    or one cannot be read."""
    split: dict[str, int] = {}
    for manifest in folder.glob("c*.jsonl"):
        try:
            index = int(manifest.stem[1:])
            split.update((entry.path, index) for entry in read_manifest(manifest))
        except (OSError, ValueError, KeyError, TypeError):
            return {}
    return split


def rebalanced(members: list[list[FileEntry]], cores: int) -> list[list[FileEntry]]:
    """The chunks with photos moved, one at a time, from the costliest chunk to the cheapest.

    Each move takes, of the photos costing at most half the gap (so that the two chunks do not swap
    places), the one whose path key is smallest: the same photos move whenever the costs are alike,
    so adding or changing a photo changes few manifests. Stops when the costliest chunk is within
    BALANCE_TOLERANCE of a core's work (the total over `cores`) of the cheapest, or no photo fits
    the gap. Every move lowers the sum of the squared costs, so the loop ends.
    """
    chunks = [sorted(entries, key=lambda e: path_key(e.path)) for entries in members]
    costs = [[photo_cost(entry) for entry in entries] for entries in chunks]
    loads = [sum(chunk_costs) for chunk_costs in costs]
    tolerance = BALANCE_TOLERANCE * sum(loads) / max(1, cores)
    for _ in range(sum(len(entries) for entries in chunks)):
        heaviest = max(range(len(loads)), key=lambda i: (loads[i], -i))
        lightest = min(range(len(loads)), key=lambda i: (loads[i], i))
        gap = loads[heaviest] - loads[lightest]
        if gap <= tolerance:
            break
        movable = next((i for i, cost in enumerate(costs[heaviest]) if cost <= gap / 2), None)
        if movable is None:
            break
        entry, cost = chunks[heaviest].pop(movable), costs[heaviest].pop(movable)
        at = bisect.bisect([path_key(e.path) for e in chunks[lightest]], path_key(entry.path))
        chunks[lightest].insert(at, entry)
        costs[lightest].insert(at, cost)
        loads[heaviest] -= cost
        loads[lightest] += cost
    return chunks


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
    write_text(path, text)  # whole or not at all, under a name of its own (two runs never share one)
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
