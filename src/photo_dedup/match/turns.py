"""Turns and mirrors found by their content, whatever their metadata.

A photo turned a quarter, half or three quarters, or mirrored, in its pixels (an editor's rotate or
flip, not an orientation tag) hashes unlike its original, so the candidate search misses it, and a
copy without capture time is not compared with its original by time either. Here each photo's
64x64 grey picture is hashed as it is and in its seven other orientations (turned by a multiple of
90 degrees, mirrored or not: the 64x64 picture is square, so a turned photo's is the turned
picture): a photo whose hash is close to a turned hash of another is a candidate, verified by
crops' gradient check. A DCT hash of the 32x32 average (as pHash) is used for all eight, so turned
and plain hashes compare alike.
"""

from __future__ import annotations

import numpy as np
from scipy.fft import dctn

from photo_dedup.match.hash_search import close_pairs
from photo_dedup.match.same_moment_crops import turned

MAX_TURN_DISTANCE = 7  # bits of the 64-bit hash (band radius 1 in the search: cheap at 10^5 photos)


def low_frequencies(luma: np.ndarray, batch: int = 4096) -> np.ndarray:
    """The lowest 8x8 DCT frequencies of each (n, 64, 64) picture's 32x32 average (in batches:
    memory stays bounded at 10^5 photos)."""
    low = np.empty((len(luma), 8, 8), dtype=np.float32)
    for start in range(0, len(luma), batch):
        quads = luma[start : start + batch].reshape(-1, 32, 2, 32, 2).astype(np.uint16)
        small = (quads[:, :, 0, :, 0] + quads[:, :, 0, :, 1] + quads[:, :, 1, :, 0] + quads[:, :, 1, :, 1]).astype(
            np.float32
        )
        low[start : start + batch] = dctn(small, axes=(1, 2), norm="ortho")[:, :8, :8]
    return low


_SIGNS = (-1.0) ** np.arange(8, dtype=np.float32)


def turned_frequencies(low: np.ndarray) -> list[np.ndarray]:
    """The low frequencies of the seven other orientations, from those of the picture itself: a
    mirror flips the sign of the odd frequencies along its axis, a transpose swaps the axes (and
    the dihedral group is made of these), so no picture is turned and transformed again."""
    found = []
    for transposed in (False, True):
        base = low.transpose(0, 2, 1) if transposed else low
        for rows in (False, True):
            for columns in (False, True):
                if not (transposed or rows or columns):
                    continue
                view = base * (_SIGNS[:, None] if rows else 1.0) * (_SIGNS[None, :] if columns else 1.0)
                found.append(view)
    return found


def dct_hashes(low: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each (n, 8, 8) block of low frequencies: each against their median."""
    flat = low.reshape(len(low), 64)
    bits = flat > np.median(flat, axis=1, keepdims=True)
    # the first frequency is the highest bit: packed 8 to a byte, read as one big-endian number
    hashed: np.ndarray = np.packbits(bits, axis=1).view(">u8").astype(np.uint64).ravel()
    return hashed


def turned_pairs(luma: np.ndarray, photos: np.ndarray) -> np.ndarray:
    """Pairs (sorted, as rows of `photos` indices) where one photo is another turned or mirrored."""
    if len(photos) < 2:
        return np.empty((0, 2), dtype=np.int64)
    low = low_frequencies(luma[photos])
    plain = dct_hashes(low)
    found: set[tuple[int, int]] = set()
    n = len(photos)
    for view in turned_frequencies(low):
        both = np.concatenate([plain, dct_hashes(view)])
        for i, j in close_pairs(both, MAX_TURN_DISTANCE).tolist():
            if i < n <= j and i != j - n:
                a, b = int(photos[i]), int(photos[j - n])
                found.add((min(a, b), max(a, b)))
    verified = [(a, b) for a, b in sorted(found) if turned(luma[a].astype(np.float32), luma[b].astype(np.float32))]
    return np.array(verified, dtype=np.int64).reshape(-1, 2)
