"""Verify candidate pairs with signals independent of the hash that found them.

A pair found by close hashes is the same picture only if, in addition:
- the aspect ratios agree (a crop changes it),
- the 32x32 luma pictures correlate after normalising brightness and contrast
  (burst neighbours, shifted by a few percent, correlate visibly less),
- their colourfulness agrees (a black-and-white edit has none),
- their 4x4 chroma grids agree (a strong colour grade moves them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from photo_dedup.candidates import hamming
from photo_dedup.photo_table import PhotoTable


@dataclass(frozen=True)
class MatchThresholds:
    max_hash_distance: int = 7
    min_correlation: float = 0.95
    max_aspect_change: float = 0.03
    max_colorfulness_change: float = 0.35
    max_chroma_shift: float = 6.0


@dataclass
class PairEvidence:
    """Per-pair measurements, aligned with the candidate pairs they describe."""

    pairs: np.ndarray
    phash_distance: np.ndarray
    dhash_distance: np.ndarray
    correlation: np.ndarray
    aspect_change: np.ndarray
    colorfulness_change: np.ndarray
    chroma_shift: np.ndarray
    same_bytes: np.ndarray
    accepted: np.ndarray


def _normalised_luma(luma: np.ndarray) -> np.ndarray:
    flat = luma.reshape(len(luma), -1).astype(np.float32)
    flat -= flat.mean(axis=1, keepdims=True)
    norm = np.linalg.norm(flat, axis=1, keepdims=True)
    return flat / np.maximum(norm, 1e-6)


def measure_pairs(table: PhotoTable, pairs: np.ndarray, thresholds: MatchThresholds) -> PairEvidence:
    """Measure every candidate pair and decide which are the same picture."""
    a, b = pairs[:, 0], pairs[:, 1]
    photos = table.photos
    aspect = photos["width"].to_numpy(float) / photos["height"].to_numpy(float)
    colourful = photos["colorfulness"].to_numpy(float)
    digests = photos["digest"].to_numpy(dtype=object)
    luma = _normalised_luma(table.luma)
    correlation = np.einsum("ij,ij->i", luma[a], luma[b]) if len(pairs) else np.empty(0)
    aspect_change = np.abs(np.log(aspect[a] / aspect[b]))
    colour_max = np.maximum(np.maximum(colourful[a], colourful[b]), 1.0)
    colorfulness_change = np.abs(colourful[a] - colourful[b]) / np.maximum(colour_max, 10.0)
    chroma = table.chroma.reshape(len(table.chroma), -1).astype(np.float32)
    chroma_shift = np.abs(chroma[a] - chroma[b]).mean(axis=1) if len(pairs) else np.empty(0)
    same_bytes = digests[a] == digests[b]
    phash_distance = hamming(table.phash[a], table.phash[b])
    dhash_distance = hamming(table.dhash[a], table.dhash[b])
    looks_same = (
        (np.minimum(phash_distance, dhash_distance) <= thresholds.max_hash_distance)
        & (correlation >= thresholds.min_correlation)
        & (aspect_change <= thresholds.max_aspect_change)
        & (colorfulness_change <= thresholds.max_colorfulness_change)
        & (chroma_shift <= thresholds.max_chroma_shift)
    )
    return PairEvidence(
        pairs=pairs,
        phash_distance=phash_distance,
        dhash_distance=dhash_distance,
        correlation=correlation,
        aspect_change=aspect_change,
        colorfulness_change=colorfulness_change,
        chroma_shift=chroma_shift,
        same_bytes=same_bytes,
        accepted=same_bytes | looks_same,
    )
