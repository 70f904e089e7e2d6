"""Verify candidate pairs with signals independent of the hash that found them.

A pair found by close hashes is the same picture only if, in addition:
- the aspect ratios agree (a crop changes it);
- the gradients of their 64x64 grey pictures correlate (`structure`; brightness
  and contrast changes cancel out in a correlation), and they correlate best
  with no shift at all (`alignment`: how much better than with any shift of one
  pixel, relative to how sharply each picture aligns with itself, so smooth
  and detailed pictures are judged alike). Copies keep every edge in place; a
  burst neighbour, moved by a few percent, correlates better once shifted;
- their colourfulness agrees (a black-and-white edit has none);
- their 4x4 grids of chromaticity agree (`colour_shift`): a colour grade moves
  them, while recompression, resizing and light brightness/saturation changes
  hardly do.
Thresholds come from the detection benchmark (benchmarks/detection.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from photo_dedup.candidates import hamming
from photo_dedup.photo_table import PhotoTable


@dataclass(frozen=True)
class MatchThresholds:
    max_hash_distance: int = 7
    min_structure: float = 0.88
    min_alignment: float = 0.28
    max_aspect_change: float = 0.03
    max_colorfulness_change: float = 0.5
    max_colour_shift: float = 0.05


@dataclass
class PairEvidence:
    """Per-pair measurements, aligned with the candidate pairs they describe."""

    pairs: np.ndarray
    phash_distance: np.ndarray
    dhash_distance: np.ndarray
    structure: np.ndarray
    alignment: np.ndarray
    aspect_change: np.ndarray
    colorfulness_change: np.ndarray
    colour_shift: np.ndarray
    same_bytes: np.ndarray
    accepted: np.ndarray


def _unit_rows(rows: np.ndarray) -> np.ndarray:
    rows = rows - rows.mean(axis=1, keepdims=True)
    return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-6)


def _gradients(luma: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical differences of each grey picture, cropped to the same size."""
    return np.diff(luma, axis=2)[:, :-1, :], np.diff(luma, axis=1)[:, :, :-1]


def _shifted_correlations(ga: tuple[np.ndarray, np.ndarray], gb: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Correlation of A's gradients with B's shifted by (dy, dx) in {-1, 0, 1}^2; column 4 is no shift."""
    n = ga[0].shape[1]
    inner = (slice(None), slice(1, n - 1), slice(1, n - 1))
    a = _unit_rows(np.concatenate([g[inner].reshape(len(g), -1) for g in ga], axis=1))
    out = []
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            moved = (slice(None), slice(1 + dy, n - 1 + dy), slice(1 + dx, n - 1 + dx))
            b = _unit_rows(np.concatenate([g[moved].reshape(len(g), -1) for g in gb], axis=1))
            out.append(np.einsum("ij,ij->i", a, b))
    return np.stack(out, axis=1)


def _own_shift_correlation(g: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Each picture's best correlation with itself shifted by one pixel (near 1 for smooth pictures)."""
    return np.delete(_shifted_correlations(g, g), 4, axis=1).max(axis=1)


def measure_pairs(
    table: PhotoTable, pairs: np.ndarray, thresholds: MatchThresholds, batch: int = 2_000
) -> PairEvidence:
    """Measure every candidate pair and decide which are the same picture.

    Pairs are measured in batches, so memory stays bounded however many there are.
    """
    photos = table.photos
    aspect = photos["width"].to_numpy(float) / photos["height"].to_numpy(float)
    colourful = photos["colorfulness"].to_numpy(float)
    digests = photos["digest"].to_numpy(dtype=object)
    a, b = pairs[:, 0], pairs[:, 1]
    structure = np.empty(len(pairs))
    alignment = np.empty(len(pairs))
    colour_shift = np.empty(len(pairs))
    for start in range(0, len(pairs), batch):
        part = slice(start, start + batch)
        ga = _gradients(table.luma[a[part]].astype(np.float32))
        gb = _gradients(table.luma[b[part]].astype(np.float32))
        shifted = _shifted_correlations(ga, gb)
        structure[part] = shifted[:, 4]
        # How sharply the gradients align, relative to how sharply each picture aligns with itself:
        # about 1 for a copy, about 0 or below for a picture moved by a pixel or more.
        own = np.maximum(_own_shift_correlation(ga), _own_shift_correlation(gb))
        gain = shifted[:, 4] - np.delete(shifted, 4, axis=1).max(axis=1)
        alignment[part] = gain / np.maximum(1.0 - own, 0.02)
        colour_shift[part] = _chromaticity_shift(table.colours[a[part]], table.colours[b[part]])
    aspect_change = np.abs(np.log(aspect[a] / aspect[b]))
    colorfulness_change = np.abs(colourful[a] - colourful[b]) / np.maximum(np.maximum(colourful[a], colourful[b]), 10.0)
    phash_distance = hamming(table.phash[a], table.phash[b])
    dhash_distance = hamming(table.dhash[a], table.dhash[b])
    looks_same = (
        (np.minimum(phash_distance, dhash_distance) <= thresholds.max_hash_distance)
        & (structure >= thresholds.min_structure)
        & (alignment >= thresholds.min_alignment)
        & (aspect_change <= thresholds.max_aspect_change)
        & (colorfulness_change <= thresholds.max_colorfulness_change)
        & (colour_shift <= thresholds.max_colour_shift)
    )
    same_bytes = digests[a] == digests[b]
    return PairEvidence(
        pairs=pairs,
        phash_distance=phash_distance,
        dhash_distance=dhash_distance,
        structure=structure,
        alignment=alignment,
        aspect_change=aspect_change,
        colorfulness_change=colorfulness_change,
        colour_shift=colour_shift,
        same_bytes=same_bytes,
        accepted=same_bytes | looks_same,
    )


def _chromaticity_shift(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Mean L1 shift of (r, g) chromaticity over the 4x4 colour grids (0 = same colours)."""
    ca = a.astype(np.float32) + 1.0
    cb = b.astype(np.float32) + 1.0
    ra = ca[..., :2] / ca.sum(axis=-1, keepdims=True)
    rb = cb[..., :2] / cb.sum(axis=-1, keepdims=True)
    return np.abs(ra - rb).sum(axis=-1).reshape(len(a), -1).mean(axis=1)
