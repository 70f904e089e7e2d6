"""Sub-quadratic search for pairs of photos whose 64-bit hashes are close.

Multi-index hashing (Norouzi, Punjani and Fleet, 2012): each hash is cut into
four 16-bit bands. If two hashes differ in at most 4*r+3 bits, at least one
band differs in at most r bits (pigeonhole). So probing, for every photo and
band, the sorted band values within radius r of its own finds every such pair.

Cost: 4 * C(16, <=r) binary searches per photo, O(n log n * probes) in all,
plus the pairs that share a band (small unless many photos share a hash, e.g.
black frames, which verification then has to see anyway). r=1 (17 probes per
band) guarantees every pair within distance 7; r=2 (137 probes) within 11.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

BANDS = 4
BAND_BITS = 16


def _flip_masks(radius: int) -> np.ndarray:
    masks = [0]
    for r in range(1, radius + 1):
        for bits in combinations(range(BAND_BITS), r):
            masks.append(sum(1 << b for b in bits))
    return np.asarray(masks, dtype=np.uint64)


def band_radius(max_distance: int) -> int:
    """Per-band radius r that guarantees every pair within `max_distance` (<= 4r+3)."""
    return max(0, -(-(max_distance - 3) // BANDS))


def hamming(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Bitwise Hamming distance of two uint64 arrays, element by element."""
    distance: np.ndarray = np.bitwise_count(np.bitwise_xor(a, b)).astype(np.int64)
    return distance


def close_pairs(hashes: np.ndarray, max_distance: int) -> np.ndarray:
    """All index pairs (i < j) whose hashes differ in at most `max_distance` bits.

    Args:
        hashes: uint64 array, one hash per photo.
        max_distance: at most 4 * 2 + 3 = 11 (radius 2 per band).

    Returns:
        An (m, 2) int64 array of pairs, sorted, without repeats.
    """
    if len(hashes) < 2:
        return np.empty((0, 2), dtype=np.int64)
    return close_across(hashes, hashes, max_distance, band_radius(max_distance), within=True)


def close_across(
    queries: np.ndarray, targets: np.ndarray, max_distance: int, radius: int = 0, within: bool = False
) -> np.ndarray:
    """Pairs (query index, target index) whose hashes differ in at most `max_distance` bits, among
    those within `radius` bits of each other in one of the four 16-bit bands (radius 0: all within
    3 bits, most of those further: what a search of many views of each photo against the photos
    themselves can afford; band_radius(max_distance) finds them all). `within`: queries and targets
    are one array, and only pairs (i < j) are wanted."""
    found: list[np.ndarray] = []
    query_ids = np.arange(len(queries), dtype=np.int64)
    for band in range(BANDS):
        shift, mask = np.uint64(band * BAND_BITS), np.uint64(0xFFFF)
        target_keys = ((targets >> shift) & mask).astype(np.int64)
        query_keys = ((queries >> shift) & mask).astype(np.int64)
        order = np.argsort(target_keys, kind="stable")
        bucket_size = np.bincount(target_keys, minlength=1 << BAND_BITS)
        bucket_start = np.concatenate([[0], np.cumsum(bucket_size)[:-1]])
        for flip in _flip_masks(radius):
            probe = query_keys ^ int(flip)
            counts = bucket_size[probe]
            total = int(counts.sum())
            if total == 0:
                continue
            left = np.repeat(query_ids, counts)
            offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
            right = order[np.repeat(bucket_start[probe], counts) + offsets]
            if within:
                keep = left < right
                left, right = left[keep], right[keep]
            close = hamming(queries[left], targets[right]) <= max_distance  # filter now: memory stays O(result)
            found.append(np.stack([left[close], right[close]], axis=1))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    return np.unique(np.concatenate(found), axis=0)
