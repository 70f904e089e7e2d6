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
- their colours differ at most as an automatic enhance makes them: an affine
  colour map (white balance, saturation, levels), fitted between their 4x4
  colour grids, explains the difference (`levels_residual`, the chromaticity
  shift left after the map; `colour_shift` is the shift before it) and tints
  neutral grey only a little (`grey_tint`, log of the mapped grey's brightest
  over darkest channel: the white balance change). Recompressed and resized
  copies measure about 0, auto-enhanced ones up to about 0.2, colour grades
  0.3 and more, also against an enhanced copy of the same photo; an enhanced
  copy beyond the limit shows as an edit. For a flat or dark picture (a
  night sky) the fitted map says little, so there the colours must also
  agree without it (benchmarks/detection.py).
Thresholds come from the detection benchmark (benchmarks/detection.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.ndimage import gaussian_filter

from photo_dedup.config.settings import default
from photo_dedup.fingerprint.exif_facts import capture_seconds
from photo_dedup.fingerprint.signature import COLOUR_SIDE
from photo_dedup.match.hash_search import hamming
from photo_dedup.match.local_difference import MAX_NEWLY_CLIPPED, local_difference, marked, newly_clipped
from photo_dedup.match.photo_table import PhotoTable
from photo_dedup.match.tone_strength import strong_tone_change
from photo_dedup.scan.companion_files import google_edits


@dataclass(frozen=True)
class MatchThresholds:
    """The `match` settings (defaults from the config schema; see config.yaml for their meaning)."""

    max_hash_distance: int = default("match", "max_hash_distance")
    min_structure: float = default("match", "min_structure")
    min_alignment: float = default("match", "min_alignment")
    max_aspect_change: float = default("match", "max_aspect_change")
    max_colourfulness_change: float = default("match", "max_colourfulness_change")
    max_colour_shift: float = default("match", "max_colour_shift")
    max_grey_tint: float = default("match", "max_grey_tint")
    min_similar_structure: float = default("match", "min_similar_structure")


@dataclass
class PairEvidence:
    """Per-pair measurements, aligned with the candidate pairs they describe."""

    pairs: np.ndarray
    phash_distance: np.ndarray
    dhash_distance: np.ndarray
    structure: np.ndarray
    alignment: np.ndarray
    aspect_change: np.ndarray
    colourfulness_change: np.ndarray
    colour_shift: np.ndarray
    levels_residual: np.ndarray
    grey_tint: np.ndarray
    local_worst: np.ndarray  # see local_difference: a mark drawn on one photo
    local_concentration: np.ndarray
    same_bytes: np.ndarray
    accepted: np.ndarray  # copies: the same picture in every way measured
    edit: np.ndarray  # the same shot, every edge in place, but its colours changed (a colour or tone edit, B&W)
    similar: np.ndarray  # alike in colour and layout, but moved: burst neighbours and retakes
    edit_kind: np.ndarray  # (object) what makes each edit one, in words ("" where not an edit)


_SHIFTS = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if (dy, dx) != (0, 0)]


def _window(gradients: np.ndarray, dy: int, dx: int) -> np.ndarray:
    n = gradients.shape[-1]
    return gradients[:, :, 1 + dy : n - 1 + dy, 1 + dx : n - 1 + dx]


def _centred_norm(windows: np.ndarray) -> np.ndarray:
    flat = windows.reshape(len(windows), -1)
    norm: np.ndarray = np.sqrt(np.maximum((flat * flat).sum(axis=1) - flat.sum(axis=1) ** 2 / flat.shape[1], 1e-12))
    return norm


def _gradients_and_inner(luma: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gradient fields (m, 2, 63, 63) and their inner windows (m, 2, 61, 61), zero-mean, unit-norm."""
    grey = luma.astype(np.float32)
    gradients = np.stack([np.diff(grey, axis=2)[:, :-1, :], np.diff(grey, axis=1)[:, :, :-1]], axis=1)
    inner = _window(gradients, 0, 0)
    inner = inner - inner.mean(axis=(1, 2, 3), keepdims=True)
    return gradients, inner / _centred_norm(inner)[:, None, None, None]


def _shift_statistics(luma: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per photo: the centred norm of its window moved by each of _SHIFTS (m, 8), and its own
    best correlation with itself moved by one pixel (m,), near 1 for smooth pictures."""
    gradients, inner = _gradients_and_inner(luma)
    norms = np.empty((len(luma), len(_SHIFTS)), dtype=np.float32)
    own = np.full(len(luma), -np.inf, dtype=np.float32)
    for k, (y, x) in enumerate(_SHIFTS):
        window = _window(gradients, y, x)
        norms[:, k] = _centred_norm(window)
        own = np.maximum(own, np.einsum("nchw,nchw->n", inner, window) / norms[:, k])
    return norms, own


# A photo whose short side is under this has a 64x64 picture barely smoothed, while a large photo's is
# averaged over many pixels: their gradients differ in the finest detail (a 100x67 PNG of a 750-px
# JPEG correlates 0.87). Pairs with such a photo are compared with both pictures blurred a little
# (0.95 for that PNG); the alignment check still tells a moved frame from a copy.
SMALL_SIDE = 128
_SMALL_BLUR = 0.7  # pixels of the 64x64 picture


def _structure_and_alignment(
    table: PhotoTable, pairs: np.ndarray, min_structure: float, batch: int
) -> tuple[np.ndarray, np.ndarray]:
    """Gradient correlation and alignment of each pair (see `_measured`), with the pairs that hold a
    photo under SMALL_SIDE pixels compared on blurred pictures."""
    short_side = np.minimum(table.photos["width"].to_numpy(), table.photos["height"].to_numpy())
    with_small = short_side[pairs].min(axis=1, initial=SMALL_SIDE) < SMALL_SIDE
    structure, alignment = np.full(len(pairs), np.nan), np.full(len(pairs), np.nan)
    large = np.flatnonzero(~with_small)
    structure[large], alignment[large] = _measured(table.luma, pairs[large], min_structure, batch)
    small = np.flatnonzero(with_small)
    if len(small):
        ids, local = np.unique(pairs[small], return_inverse=True)
        blurred = gaussian_filter(table.luma[ids].astype(np.float32), sigma=(0, _SMALL_BLUR, _SMALL_BLUR))
        structure[small], alignment[small] = _measured(blurred, local.reshape(-1, 2), min_structure, batch)
    return structure, alignment


def _measured(luma: np.ndarray, pairs: np.ndarray, min_structure: float, batch: int) -> tuple[np.ndarray, np.ndarray]:
    """Gradient correlation of each pair, and for pairs above `min_structure` their alignment.

    Correlations use a window one pixel inside the 63x63 gradient fields, so B can move by one
    pixel each way. Alignment = (unshifted - best shifted correlation) / (1 - own shift correlation).
    Per-photo statistics are computed once per photo; pairs are measured in batches, so memory
    stays bounded. Cost: O(photos + pairs) dot products of 7,442 values.
    """
    structure = np.full(len(pairs), np.nan)
    alignment = np.full(len(pairs), np.nan)
    photo_ids = np.unique(pairs)
    norms = np.empty((len(photo_ids), len(_SHIFTS)), dtype=np.float32)
    own = np.empty(len(photo_ids), dtype=np.float32)
    for start in range(0, len(photo_ids), batch):
        norms[start : start + batch], own[start : start + batch] = _shift_statistics(
            luma[photo_ids[start : start + batch]]
        )
    for start in range(0, len(pairs), batch):
        part = pairs[start : start + batch]
        ids, local = np.unique(part, return_inverse=True)
        a, b = local.reshape(part.shape).T
        gradients, inner = _gradients_and_inner(luma[ids])
        zero = np.einsum("nchw,nchw->n", inner[a], inner[b])
        structure[start : start + batch] = zero
        close = np.flatnonzero(zero >= min_structure)
        if len(close) == 0:
            continue
        inner_a, gradients_b = inner[a[close]], gradients[b[close]]
        stats_a = np.searchsorted(photo_ids, ids[a[close]])
        stats_b = np.searchsorted(photo_ids, ids[b[close]])
        best = np.full(len(close), -np.inf)
        for k, (y, x) in enumerate(_SHIFTS):
            moved = np.einsum("nchw,nchw->n", inner_a, _window(gradients_b, y, x))
            best = np.maximum(best, moved / norms[stats_b, k])
        sharpness = 1.0 - np.maximum(own[stats_a], own[stats_b])
        alignment[start + close] = (zero[close] - best) / np.maximum(sharpness, 0.02)
    return structure, alignment


def measure_pairs(table: PhotoTable, pairs: np.ndarray, thresholds: MatchThresholds, batch: int = 256) -> PairEvidence:
    """Measure every candidate pair and decide which are copies, edits of one shot, or similar shots.

    Cheap checks (hash distance, aspect, colour) run on every pair; the gradient correlation only
    on pairs close in hash and aspect, and the alignment only on pairs whose correlation is high
    enough. Copies pass every check; an edit has every edge in place but other colours (a colour or
    tone edit, black and white); a similar shot has the same colours and layout, moved (a burst
    neighbour). An animation or a multi-page file (sidecar `frames`) is a copy only byte for byte:
    beside a still showing its first frame, or another animation, it is an edit, shown and kept.
    Values not measured for a pair are NaN.
    """
    photos = table.photos
    aspect = photos["width"].to_numpy(float) / photos["height"].to_numpy(float)
    colourful = photos["colourfulness"].to_numpy(float)
    digests = photos["digest"].to_numpy(dtype=object)
    pairs = pairs.reshape(-1, 2)
    a, b = pairs[:, 0], pairs[:, 1]
    aspect_change = np.abs(np.log(aspect[a] / aspect[b]))
    colourfulness_change = np.abs(colourful[a] - colourful[b]) / np.maximum(
        np.maximum(colourful[a], colourful[b]), 10.0
    )
    colour_shift = _chromaticity_shift(table.colours[a], table.colours[b])
    levels_residual, grey_tint, crossing = _levels_fit(table.colours[a], table.colours[b])
    # in a colourful picture, a map that mixes channels more than it keeps them is a channel swap
    # or a false-colour edit (a grey one's channels are one: any mix fits it)
    channels_kept = (crossing <= _MAX_CHANNEL_CROSSING) | (np.minimum(colourful[a], colourful[b]) < _COLOURFUL)
    phash_distance = hamming(table.phash[a], table.phash[b])
    dhash_distance = hamming(table.dhash[a], table.dhash[b])
    framed_alike = (np.minimum(phash_distance, dhash_distance) <= thresholds.max_hash_distance) & (
        aspect_change <= thresholds.max_aspect_change
    )
    # A colour map fitted to a flat or dark grid (a night sky) says little: there, colours must also agree as they are.
    spread = _grid_spread(table.colours)  # once a photo, not once a pair
    map_trusted = np.minimum(spread[a], spread[b]) >= _MIN_GRID_SPREAD
    colours_alike = (
        (colourfulness_change <= thresholds.max_colourfulness_change)
        & (levels_residual <= thresholds.max_colour_shift)
        & (grey_tint <= thresholds.max_grey_tint)
        & (map_trusted | (colour_shift <= thresholds.max_colour_shift))
        & channels_kept
    )
    structure = np.full(len(pairs), np.nan)
    alignment = np.full(len(pairs), np.nan)
    worth = np.flatnonzero(framed_alike)  # colour is checked after: a colour edit is an edit, not a stranger
    structure[worth], alignment[worth] = _structure_and_alignment(table, pairs[worth], thresholds.min_structure, batch)
    with np.errstate(invalid="ignore"):
        same_picture = framed_alike & (structure >= thresholds.min_structure) & (alignment >= thresholds.min_alignment)
        looks_same = same_picture & colours_alike
        nearby = framed_alike & colours_alike & (structure >= thresholds.min_similar_structure) & ~same_picture
    same_bytes = digests[a] == digests[b]
    # a 1- or 2-bit version of a grey photo (a fax, a thresholded scan) has its edges but not its tones
    levels = _column(photos, "tone_levels", 256)
    # (a picture of 4 levels or fewer is a copy only of one with as many: 1-bit beside 2-bit is an edit too)
    same_depth = ~((np.minimum(levels[a], levels[b]) <= _FEW_LEVELS) & (levels[a] != levels[b]))
    frames = frame_counts(photos)
    # an animation or a multi-page file is no copy of one frame, and, as only its first frame is
    # compared, a copy of another only byte for byte (their later frames may differ)
    same_frames = (frames[a] == frames[b]) & ((frames[a] == 1) | same_bytes)
    # a text, caption, digit or logo drawn on one of them: the same shot, not a copy (see local_difference)
    local_worst = np.full(len(pairs), np.nan, dtype=np.float32)
    local_concentration = np.full(len(pairs), np.nan, dtype=np.float32)
    developed = photos["format"].to_numpy(dtype=object) == "RAW"
    judged = np.flatnonzero(looks_same & ~same_bytes & ~developed[a] & ~developed[b])
    local_worst[judged], local_concentration[judged] = local_difference(table.luma, pairs[judged])
    marks = marked(np.nan_to_num(local_worst), np.nan_to_num(local_concentration))
    # highlights burnt out or shadows crushed in one only: a strong tone edit, not a light adjust
    clipped = np.zeros(len(pairs), dtype=bool)
    clipped[judged] = newly_clipped(table.luma, pairs[judged]) > MAX_NEWLY_CLIPPED
    # Google Photos' own edit (NAME-edited.jpg beside NAME.jpg in a Takeout) is the user's work: an
    # edit of its original and of every copy of it, wherever they lie
    google_edit = np.array(google_edits(photos["path"].tolist()), dtype=bool)
    googles = (google_edit[a] | google_edit[b]) & ~same_bytes
    # brightness, contrast or saturation changed beyond a light automatic adjustment (see tone_strength)
    retoned = np.zeros(len(pairs), dtype=bool)
    retoned[judged] = strong_tone_change(table.luma, colourful, pairs[judged])
    unmarked = ~(marks | clipped | googles | retoned)
    # two exposures of one camera at different moments (a burst, a retake) are never copies
    apart = exposures_apart(photos, pairs) & ~same_bytes
    # two files of one format and one size whose pictures differ: a few bytes changed (bit rot, a
    # bad copy), so one may be damaged, and which one the pixels cannot say: both stay
    sizes, formats = photos["size"].to_numpy(dtype=np.int64), photos["format"].to_numpy(dtype=object)
    twins = np.flatnonzero((sizes[a] == sizes[b]) & (formats[a] == formats[b]) & ~same_bytes)
    damaged = np.zeros(len(pairs), dtype=bool)
    differ = np.abs(table.luma[a[twins]].astype(np.int16) - table.luma[b[twins]].astype(np.int16)).max(axis=(1, 2))
    damaged[twins] = differ > _MAX_TWIN_DIFFERENCE
    unmarked &= ~damaged
    edit_kind = np.full(len(pairs), "", dtype=object)  # what makes an edit one, the strongest last
    for reason, kind in (
        (~colours_alike | retoned, "other colours or tones"),
        (clipped, "a strong tone edit (highlights or shadows clipped in one)"),
        (marks, "marks drawn on one (text, a digit, a logo)"),
        (~same_depth, "fewer tone levels (1- or 2-bit)"),
        (~same_frames, "an animation or pages beside a still"),
        (googles, "your edit in Google Photos"),
        (damaged, "the same size, a few bytes apart: one of the two may be damaged"),
    ):
        edit_kind[reason] = kind
    return PairEvidence(
        pairs=pairs,
        phash_distance=phash_distance,
        dhash_distance=dhash_distance,
        structure=structure,
        alignment=alignment,
        aspect_change=aspect_change,
        colourfulness_change=colourfulness_change,
        colour_shift=colour_shift,
        levels_residual=levels_residual,
        grey_tint=grey_tint,
        local_worst=local_worst,
        local_concentration=local_concentration,
        same_bytes=same_bytes,
        accepted=same_bytes | (looks_same & same_frames & unmarked & same_depth & ~apart),
        edit=same_picture & ~(colours_alike & same_frames & unmarked & same_depth) & ~same_bytes,
        similar=(nearby | (looks_same & apart)) & ~same_bytes,
        edit_kind=edit_kind,
    )


_FEW_LEVELS = 4  # grey levels of a 2-bit picture
_MAX_TWIN_DIFFERENCE = 2  # grey levels: one decoder's rounding, not damage
_RETAKE_SECONDS = 3600
_ZONE_STEP = 15 * 60  # seconds: a copy whose clock was moved to another time zone moves by whole quarter hours


def exposures_apart(photos: pd.DataFrame, pairs: np.ndarray) -> np.ndarray:
    """Per pair: both photos carry a capture time and the same camera (make and model), and the times
    differ by up to an hour, by other than whole quarter hours (a burst 2 s apart, a retake; not a copy
    whose time zone was moved, nor one whose date someone corrected: alike photos days apart are that)."""
    seconds = np.array([capture_seconds(value) for value in photos["taken"]], dtype=np.float64)  # None: NaN
    camera = np.array([_camera(make, model) for make, model in zip(photos["make"], photos["model"], strict=True)])
    a, b = pairs[:, 0], pairs[:, 1]
    with np.errstate(invalid="ignore"):
        difference = np.abs(seconds[a] - seconds[b])
        apart: np.ndarray = (
            (camera[a] != "")
            & (camera[a] == camera[b])
            & (difference > 0)
            & (difference <= _RETAKE_SECONDS)
            & (difference % _ZONE_STEP != 0)
        )
    return apart


def _camera(make: object, model: object) -> str:
    return f"{make}\0{model}" if isinstance(make, str) and make and isinstance(model, str) else ""


def _column(photos: pd.DataFrame, name: str, missing: int) -> np.ndarray:
    """A whole-number sidecar column, `missing` where absent (a sidecar older than it)."""
    if name not in photos:
        return np.full(len(photos), missing, dtype=np.int64)
    values = pd.to_numeric(photos[name], errors="coerce").fillna(missing)
    return np.asarray(values.to_numpy(dtype=np.float64), dtype=np.int64)


def frame_counts(photos: pd.DataFrame) -> np.ndarray:
    """Each photo's frame count (sidecar `frames`; 1 where unknown: a still, or a sidecar older than it)."""
    return _column(photos, "frames", 1)


def _chromaticity_shift(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Mean L1 shift of (r, g) chromaticity over the 4x4 colour grids (0 = same colours)."""
    ca = a.astype(np.float32) + 1.0
    cb = b.astype(np.float32) + 1.0
    ra = ca[..., :2] / ca.sum(axis=-1, keepdims=True)
    rb = cb[..., :2] / cb.sum(axis=-1, keepdims=True)
    shift: np.ndarray = np.abs(ra - rb).sum(axis=-1).reshape(len(a), COLOUR_SIDE * COLOUR_SIDE).mean(axis=1)
    return shift


_MAX_CHANNEL_CROSSING = 12.0  # other inputs' weight over a channel's own (enhanced copies: at most 7; swaps: 17 and up)
_COLOURFUL = 20.0  # colourfulness under which channels are too alike to tell a swap
_MIN_GRID_SPREAD = 8.0  # grey levels: the spread of the 16 cells' brightness a colour map needs


def _grid_spread(grids: np.ndarray) -> np.ndarray:
    """Standard deviation of the brightness of each 4x4 grid's cells (0 for a flat picture)."""
    cells = grids.reshape(len(grids), COLOUR_SIDE * COLOUR_SIDE, 3).astype(np.float32)
    spread: np.ndarray = cells.mean(axis=2).std(axis=1)
    return spread


def _colour_map(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per pair, the affine colour map (3x3 matrix and offset: white balance, saturation, levels)
    taking grid `a`'s 16 colours to `b`'s, fitted by least squares with a light ridge: `a` mapped,
    and the tint the map gives neutral grey at `a`'s mean level and one spread either side
    (log of the mapped grey's brightest over darkest channel; 0 = grey stays grey); and how much the
    map mixes channels (per output channel, its other inputs' weights over its own: white balance and
    saturation leave each channel mostly itself, a channel swap does not)."""
    n = len(a)
    inputs = np.concatenate([a, np.ones((n, a.shape[1], 1), dtype=np.float32)], axis=2)
    normal = np.einsum("nki,nkj->nij", inputs, inputs) + np.eye(4, dtype=np.float32)
    weights = np.linalg.solve(normal, np.einsum("nki,nkj->nij", inputs, b))
    mapped = np.clip(np.einsum("nki,nij->nkj", inputs, weights), 0.0, 255.0)
    level, spread = a.mean(axis=(1, 2)), a.mean(axis=2).std(axis=1)
    tint = np.zeros(n, dtype=np.float32)
    for step in (-1.0, 0.0, 1.0):
        grey = np.clip(level + step * spread, 16.0, 240.0)
        grey_in = np.stack([grey, grey, grey, np.ones(n, dtype=np.float32)], axis=1)
        grey_out = np.clip(np.einsum("ni,nij->nj", grey_in, weights), 1.0, 255.0)
        tint = np.maximum(tint, np.log(grey_out.max(axis=1) / grey_out.min(axis=1)))
    matrix = np.abs(weights[:, :3, :])  # inputs (R, G, B) -> outputs
    own = np.diagonal(matrix, axis1=1, axis2=2)
    crossing = ((matrix.sum(axis=1) - own) / np.maximum(own, 1e-3)).max(axis=1)
    return mapped, tint, crossing


def _levels_fit(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """How well an affine colour map explains the colour difference of each pair: the chromaticity
    shift left after it (the larger of the two ways), and the grey tint, the smaller of the two ways
    (a white balance change followed by a stretch of the levels tints grey by the gains' ratio one
    way, and more in the dark tones the other way)."""
    grid_a = a.reshape(len(a), COLOUR_SIDE * COLOUR_SIDE, 3).astype(np.float32)
    grid_b = b.reshape(len(b), COLOUR_SIDE * COLOUR_SIDE, 3).astype(np.float32)
    a_to_b, tint_ab, crossing_ab = _colour_map(grid_a, grid_b)
    b_to_a, tint_ba, crossing_ba = _colour_map(grid_b, grid_a)
    residual = np.maximum(
        _chromaticity_shift(a_to_b.reshape(a.shape), b.astype(np.float32)),
        _chromaticity_shift(b_to_a.reshape(b.shape), a.astype(np.float32)),
    )
    return residual, np.minimum(tint_ab, tint_ba), np.minimum(crossing_ab, crossing_ba)
