"""Crops and pads found by their content, whatever their metadata.

A crop or a padded version of a photo hashes unlike it, and without a shared capture time
(crops.same_moment_pairs) nothing else brings the two together. Here each photo's 64x64 grey
picture gives, besides its own hash, the hashes of the boxes a crop most often keeps:
- the largest box of each common aspect ratio (1:1, 4:3, 3:4, 3:2, 2:3, 16:9, 9:16) at the
  start, centre and end of the photo's longer side (a square crop of a portrait, centred or not);
- squares of 80 % and 64 % of the shorter side, at nine places (corners, edges' middles, centre);
- centred squares of 80 %, 64 % and 50 % of the 64x64 picture;
and a padded photo (a border of one colour on one side or more: `ImageOps.pad`) the hash of what
is inside its border. A photo whose own hash is close to a box hash of another is a candidate, then
verified by crops' search for the crop inside the other photo (the box found must line up as a
copy's would), a pad by comparing its inside with the other photo at the inside's resolution; a
box with a seam on every inner side is the smaller photo placed whole in the larger (seams.py).
Pairs found are edits of one shot: kept, shown beside each other.
Cost: some 45 hashes a photo, sampled for all photos of one aspect at once, and one hash search.
"""

from __future__ import annotations

import numpy as np
from PIL import Image
from scipy.fft import dctn

from photo_dedup.fingerprint.signature import LUMA_SIDE
from photo_dedup.match.hash_search import band_radius, close_across
from photo_dedup.match.same_moment_crops import MAX_CROP_AREA, MIN_COARSE_MATCH, crop_near, gradient_correlation
from photo_dedup.match.seams import placed_whole
from photo_dedup.match.turns import dct_hashes, low_frequencies

MAX_BOX_DISTANCE = 6  # bits of the 64-bit hash between a crop and its box
_ASPECTS = (1.0, 4 / 3, 3 / 4, 3 / 2, 2 / 3, 16 / 9, 9 / 16)
_WIDTHS = (0.9, 0.8, 0.7, 0.6, 0.5)
_SQUARES = (0.8, 0.64)  # of the shorter side, on a 3x3 grid of places
MIN_PAD_STRUCTURE = 0.85  # gradient correlation of a pad's inside and the photo (a copy's: 0.9+)
_FLAT = 3.0  # grey levels: a border row or column varies no more than this
_MIN_BORDER = 0.06  # share of a side: less is a frame line or noise, not a pad
_SAMPLES = 32
# what the second photo of a pair is to the first
CROPPED, CROPPED_FROM = "a crop", "the photo it was cropped from"
PADDED, PADDED_IN = "padded (a border added)", "what was padded (without its border)"
PLACED, PLACED_IN = "a larger picture holding it whole (a collage)", "the photo it holds whole"
_INSETS = (0.0, 0.5, 1.0)  # pixels: where a border ends, to half a pixel
_BATCH = 4096  # photos hashed at once: (4096, 64, 64) float32 is 64 MB
Box = tuple[float, float, float, float]


def _boxes(aspect: float) -> list[Box]:
    """(left, top, width, height) as fractions of the photo, for a photo of `aspect` (w/h)."""
    boxes = []
    for box_aspect in _ASPECTS:
        width, height = (box_aspect / aspect, 1.0) if box_aspect < aspect else (1.0, aspect / box_aspect)
        if width * height <= MAX_CROP_AREA:
            boxes += [((1 - width) * place, (1 - height) * place, width, height) for place in (0.0, 0.5, 1.0)]
    for side in _SQUARES:
        width, height = (side / aspect, side) if aspect >= 1 else (side, side * aspect)
        boxes += [((1 - width) * x, (1 - height) * y, width, height) for x in (0, 0.5, 1) for y in (0, 0.5, 1)]
    boxes += [((1 - width) / 2, (1 - width) / 2, width, width) for width in _WIDTHS]
    return boxes


def _flat_lines(lines: np.ndarray) -> np.ndarray:
    """(n,): for each (64, 64) stack of lines, how many from the first are of its first line's colour."""
    colour = np.median(lines[:, 0, :], axis=1)
    flat = np.abs(lines - colour[:, None, None]).max(axis=2) <= _FLAT
    counted: np.ndarray = np.where(flat.all(axis=1), flat.shape[1], np.argmin(flat, axis=1))
    return counted


def padded_contents(luma: np.ndarray) -> np.ndarray:
    """(n, 4): per 64x64 picture the box (top, bottom, left, right) inside a border of one colour on
    one side or more (ImageOps.pad centres the picture, or puts it at an edge); all -1 without one."""
    pictures = luma.astype(np.float32)
    top, left = _flat_lines(pictures), _flat_lines(pictures.transpose(0, 2, 1))
    bottom = LUMA_SIDE - _flat_lines(pictures[:, ::-1, :])
    right = LUMA_SIDE - _flat_lines(pictures.transpose(0, 2, 1)[:, ::-1, :])
    border = np.max([top, LUMA_SIDE - bottom, left, LUMA_SIDE - right], axis=0)
    padded = (border >= np.ceil(_MIN_BORDER * LUMA_SIDE)) & (bottom - top >= 8) & (right - left >= 8)
    boxes = np.stack([top, bottom, left, right], axis=1)
    boxes[~padded] = -1
    return boxes


def padded_content(luma: np.ndarray) -> tuple[int, int, int, int] | None:
    """The box (top, bottom, left, right) inside one 64x64 picture's border, or None (see above)."""
    top, bottom, left, right = (int(v) for v in padded_contents(luma[None])[0])
    return None if top < 0 else (top, bottom, left, right)


def _area_weights(start: float, length: float) -> np.ndarray:
    """(32, 64): each of 32 cells of [start, start + length) (a fraction of the side) as the
    average of the 64 pixels it covers, weighted by how much of each it covers."""
    edges = (start + length * np.arange(_SAMPLES + 1) / _SAMPLES) * LUMA_SIDE
    pixels = np.arange(LUMA_SIDE)
    low, high = edges[:-1, None], edges[1:, None]
    overlap = np.clip(np.minimum(high, pixels + 1) - np.maximum(low, pixels), 0, None)
    weights: np.ndarray = (overlap / np.maximum(overlap.sum(axis=1, keepdims=True), 1e-9)).astype(np.float32)
    return weights


_DCT8 = (dctn(np.eye(_SAMPLES), axes=(0,), norm="ortho")[:8] * 4.0).astype(np.float32)  # as turns: sums of 4


def _box_hashes(luma: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    """The turns module's DCT hash of the box of each (n, 64, 64) float picture, averaged to 32x32: the
    8x8 low frequencies come straight from the pixels by two products (no picture is made)."""
    left, top, width, height = box
    rows, columns = _DCT8 @ _area_weights(top, height), _DCT8 @ _area_weights(left, width)  # (8, 64) each
    low = rows @ luma @ columns.T
    return dct_hashes(low)


def _box_picture(luma: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    """The box of one 64x64 picture, averaged to 32x32."""
    left, top, width, height = box
    picture: np.ndarray = _area_weights(top, height) @ luma.astype(np.float32) @ _area_weights(left, width).T
    return picture


def _inside_boxes(content: np.ndarray) -> list[Box]:
    """A pad's inside as (left, top, width, height) fractions: where each border ends is known to a
    pixel (its last line may be part picture), so each bordered side is tried 0, 0.5 and 1 pixel in."""
    top, bottom, left, right = (float(v) for v in content)
    steps = [(0.0,), _INSETS]
    boxes = []
    for t in steps[top > 0]:
        for b in steps[bottom < LUMA_SIDE]:
            for lf in steps[left > 0]:
                for r in steps[right < LUMA_SIDE]:
                    box = (left + lf, top + t, right - r - left - lf, bottom - b - top - t)
                    boxes.append(tuple(v / LUMA_SIDE for v in box))
    return boxes  # type: ignore[return-value]


def _views(luma: np.ndarray, aspect: np.ndarray, photos: np.ndarray) -> tuple[np.ndarray, list[tuple[int, Box, bool]]]:
    """Every box view of the photos: their hashes, and per view its owner (a row of `photos`), its
    box and whether it is what a padded photo holds inside its border."""
    hashes: list[np.ndarray] = []
    views: list[tuple[int, Box, bool]] = []
    by_aspect: dict[float, list[int]] = {}
    for row, photo in enumerate(photos.tolist()):
        by_aspect.setdefault(round(float(aspect[photo]), 2), []).append(row)
    for shape, rows in by_aspect.items():
        for start in range(0, len(rows), _BATCH):
            batch = rows[start : start + _BATCH]
            members = luma[photos[batch]].astype(np.float32)
            for box in _boxes(shape):
                hashes.append(_box_hashes(members, box))
                views += [(row, box, False) for row in batch]
    contents = padded_contents(luma[photos])
    for row in np.flatnonzero(contents[:, 0] >= 0).tolist():
        for box in _inside_boxes(contents[row]):
            hashes.append(_box_hashes(luma[photos[row]][None].astype(np.float32), box))
            views.append((row, box, True))
    return (np.concatenate(hashes) if hashes else np.empty(0, dtype=np.uint64)), views


def _small(picture: np.ndarray) -> np.ndarray:
    return np.asarray(Image.fromarray(picture).resize((_SAMPLES, _SAMPLES), Image.Resampling.BOX), dtype=np.float32)


def _alike(box: np.ndarray, picture: np.ndarray) -> bool:
    """The box lines up with the picture roughly (as crops' coarse search requires), before the
    search itself (some 10 ms a pair) refines it."""
    a, b = box.astype(np.float32), _small(picture)
    a, b = a - a.mean(), b - b.mean()
    return float((a * b).sum()) >= MIN_COARSE_MATCH * float(np.sqrt((a * a).sum() * (b * b).sum()) + 1e-9)


def _holds(padded: np.ndarray, aspect_padded: float, picture: np.ndarray, aspect_picture: float) -> bool:
    """The padded photo's inside is the picture. The inside's box follows from the two aspects (the
    border found in the 64x64 picture only tells on which side it lies), and the two are compared at
    the inside's own resolution (a pad to twice the height leaves it 32 rows of the 64)."""
    content = padded_content(padded)
    if content is None:
        return False
    top, bottom, left, right = content
    width, height = min(1.0, aspect_picture / aspect_padded), min(1.0, aspect_padded / aspect_picture)
    x = 0.0 if left == 0 else (1 - width) if right == LUMA_SIDE else (1 - width) / 2
    y = 0.0 if top == 0 else (1 - height) if bottom == LUMA_SIDE else (1 - height) / 2
    size = (max(4, round(width * _SAMPLES)), max(4, round(height * _SAMPLES)))
    inside = _box_picture(padded, (x, y, width, height))
    inside, shrunk = (
        np.asarray(Image.fromarray(view.astype(np.float32)).resize(size, Image.Resampling.BOX))
        for view in (inside, _small(picture))
    )
    return gradient_correlation(inside, shrunk) >= MIN_PAD_STRUCTURE


def cropped_pairs(luma: np.ndarray, aspect: np.ndarray, photos: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Pairs (sorted, as rows of `photos` indices) where one photo is a crop or a pad of the other,
    and for each what the second is to the first."""
    if len(photos) < 2:
        return np.empty((0, 2), dtype=np.int64), []
    plain = dct_hashes(low_frequencies(luma[photos]))
    boxed, views = _views(luma, aspect, photos)
    candidates: dict[tuple[int, int], Box] = {}
    found: dict[tuple[int, int], str] = {}
    # the few pad views searched to a radius that finds every pair within the distance
    is_pad = np.array([pad for _, _, pad in views], dtype=bool)
    pad_views = np.flatnonzero(is_pad)
    close = close_across(boxed[~is_pad], plain, MAX_BOX_DISTANCE)
    close[:, 0] = np.flatnonzero(~is_pad)[close[:, 0]]
    close_pads = close_across(boxed[pad_views], plain, MAX_BOX_DISTANCE, band_radius(MAX_BOX_DISTANCE))
    close_pads[:, 0] = pad_views[close_pads[:, 0]]
    for view, i in np.concatenate([close, close_pads]).tolist():
        owner, box, pad = views[view]
        if i == owner:
            continue
        whole, part = int(photos[owner]), int(photos[i])  # the larger view, its crop
        if pad:  # what lies inside the border is the other photo as it is
            if _holds(luma[whole], float(aspect[whole]), luma[part], float(aspect[part])):
                found[(min(whole, part), max(whole, part))] = PADDED if whole > part else PADDED_IN
        elif (whole, part) not in candidates and _alike(_box_picture(luma[whole], box), luma[part]):
            candidates[(whole, part)] = box
    for (whole, part), box in candidates.items():
        pair = (min(whole, part), max(whole, part))
        left, top, width, _ = box
        if pair not in found and crop_near(
            luma[whole], float(aspect[whole]), luma[part], float(aspect[part]), (width, left, top)
        ):
            if placed_whole(luma[whole], box):  # a seam around the box: the photo pasted, not cropped
                found[pair] = PLACED if whole > part else PLACED_IN
            else:
                found[pair] = CROPPED if part > whole else CROPPED_FROM
    ordered = sorted(found)
    return np.array(ordered, dtype=np.int64).reshape(-1, 2), [found[pair] for pair in ordered]
