"""Small crops found by their content: any position, any size down to about 5 % of the area.

A crop that keeps none of crop_candidates' standard boxes, and shares no capture time with its
original, is found here from the 64x64 grey pictures alone, in two stages:

- **Candidates where views meet.** A crop is a region of its original at some size and place;
  hashing every such region of every photo would take thousands of views a photo. Instead both
  sides are sampled on coarse grids that interleave: each photo's true squares at sizes
  `_SCALE_RATIO` apart and places `_PLACE_STEP` of their side apart, and, inside each photo as a
  possible crop, its central true square at `_SUB_SCALES` sizes and `_OFFSETS` x `_OFFSETS`
  places filling in those steps, so that some view of a crop lands within an eighth of a side
  and 5 % of size of some view of its original. A view is hashed by the signs of the 63 lowest
  AC frequencies of its 8x8 DCT (two matrix products for all views of a batch of photos); flat
  views are left out; the hashes are searched band by band (hash_search.close_across, radius 1).
  Where a crop's view meets an original's, the crop's place in the original follows.
- **Verification, pixel by pixel.** There the original's region, sampled at the region's own
  resolution in its 64x64 picture, and the crop shrunk to that size must correlate closely in
  pixels (a correlation: the best affine grey map is taken out, so a grey or tone edit of the crop
  passes) and in gradients, once the region is refined to a quarter pixel; the region must hold at
  most crops.MAX_CROP_AREA of the original (a burst neighbour lines up with nearly all of it) and
  span at least `_MIN_REGION` pixels (less says nothing). A burst frame or a retake differs
  where anything moved; a partial overlap (two tiles of a mosaic) leaves part of the crop outside.
Cost: see `small_crop_pairs`.
"""

from __future__ import annotations

import logging

import numpy as np
from scipy.fft import dctn
from scipy.ndimage import map_coordinates

from photo_dedup.fingerprint.signature import LUMA_SIDE
from photo_dedup.match.crop_candidates import padded_content
from photo_dedup.match.hash_search import close_across
from photo_dedup.match.same_moment_crops import MAX_CROP_AREA, gradient_correlation

log = logging.getLogger(__name__)

_SAMPLES = 32  # cells a view is averaged to before its DCT
_DCT8 = dctn(np.eye(_SAMPLES), axes=(0,), norm="ortho")[:8].astype(np.float32)
_SCALE_RATIO = 2 ** (1 / 6)  # between the original's view sizes; the crop's sizes fill it in
_SUB_SCALES = 3  # sizes of a crop's view, 2 ** (1/18) apart
_SMALLEST = 0.16  # side of the smallest view, of the shorter side: a 5 % square crop of 3:2 spans 0.27
_LARGEST = 0.9  # larger views hold crops that crop_candidates' boxes find
_PLACE_STEP = 1 / 4  # of a view's side, between the original's views
_OFFSETS = 3  # places of a crop's view along each axis, _PLACE_STEP / _OFFSETS of its side apart
_CROP_VIEW = 0.9  # side of a crop's largest view, of its shorter side (its offsets fit inside)
_MIN_CONTRAST = 6.0  # grey levels (RMS of the view's low AC frequencies): flatter views hash at random
_MIN_REGION = 13  # pixels of the 64x64 picture a side of the region: real crops 14 or more, cell in retina 12
MIN_PIXEL_MATCH = 0.95  # correlation of the region's pixels and the crop's
MIN_EDGE_MATCH = 0.89  # of their gradients: real crops 0.90 or more, cell in retina (15x12 px) 0.87
_MAX_DISTANCE = 10  # bits between views that meet (a crop's nearest views: 6 to 8 bits on the corpus)
_AGREE = 1 / 8  # of the region's side (and log of its size): meetings that agree on one region
_MIN_VOTES = 3  # meetings agreeing: the corpus's crops had 4 to 8, 0.35 % of other pairs as many
_SIZE_TRIES = 1.25  # sizes tried first, up to this factor either way (a grey crop of rocket: 1.24)
_SEAM = 1.8  # jump across a side over the change inside: hopper in merged_hopper 2.1 and 3.1; the
# real-world corpus's 8 crops have sides from 0.4 to 2.0, and each a side at 1.06 or less
_PAD_SLACK = 3  # pixels of the 64x64 picture: a pad's inside ends within a pixel, the climb within 2
_BATCH = 2048  # photos of one aspect hashed at once
Box = tuple[float, float, float, float]  # left, top, width, height as fractions


def _square(aspect: float, side: float) -> tuple[float, float]:
    """Width and height (fractions) of a true square `side` of the shorter side of a w/h photo."""
    return (side / aspect, side) if aspect >= 1 else (side, side * aspect)


def _weights(start: np.ndarray, length: float, cells: int = _SAMPLES) -> np.ndarray:
    """(n, cells, 64): for each start, `cells` cells of [start, start + length) (fractions), as
    weights of the 64 pixels each covers."""
    edges = (start[:, None] + length * np.arange(cells + 1) / cells) * LUMA_SIDE
    pixels = np.arange(LUMA_SIDE)
    low, high = edges[:, :-1, None], edges[:, 1:, None]
    overlap = np.clip(np.minimum(high, pixels + 1) - np.maximum(low, pixels), 0, None)
    weights: np.ndarray = (overlap / np.maximum(overlap.sum(axis=2, keepdims=True), 1e-9)).astype(np.float32)
    return weights


def _hashes(luma: np.ndarray, xs: np.ndarray, ys: np.ndarray, width: float, height: float) -> np.ndarray:
    """(n, len(ys) * len(xs)) hashes of the boxes at every (y, x) of each (n, 64, 64) picture, 0
    where a box is flat: the signs of the 63 AC frequencies of its 8x8 DCT."""
    rows = np.einsum("fs,ysp->yfp", _DCT8, _weights(ys, height)).reshape(-1, LUMA_SIDE)
    columns = np.einsum("fs,xsp->xfp", _DCT8, _weights(xs, width)).reshape(-1, LUMA_SIDE)
    low = (rows @ luma @ columns.T).reshape(len(luma), len(ys), 8, len(xs), 8).transpose(0, 1, 3, 2, 4)
    flat = low.reshape(len(luma), len(ys) * len(xs), 64)
    ac = flat[..., 1:]
    # the median of each view's 64 coefficients, as np.median gives it (the mean of the middle two),
    # from a sort: numpy's vectorised sort of 64 floats is 10x faster than the partition np.median uses
    ordered = np.sort(flat, axis=2)
    bits = flat > (ordered[..., 31:32] + ordered[..., 32:33]) / np.float32(2)
    hashed: np.ndarray = np.packbits(bits, axis=2).view(">u8").astype(np.uint64)[..., 0]
    contrast = np.sqrt((ac * ac).sum(axis=2)) / _SAMPLES  # the DCT sums 32x32 cells: grey levels
    hashed[contrast < _MIN_CONTRAST] = 0
    return hashed


def _original_views(luma: np.ndarray, aspect: float) -> tuple[np.ndarray, np.ndarray]:
    """For (n, 64, 64) pictures of one aspect: (n, v) hashes and the v boxes they are of."""
    hashes, boxes = [], []
    side = _SMALLEST
    while side <= _LARGEST:
        width, height = _square(aspect, side)
        if width <= 1 and height <= 1:
            xs = np.unique(np.append(np.arange(0, 1 - width, _PLACE_STEP * width), 1 - width))
            ys = np.unique(np.append(np.arange(0, 1 - height, _PLACE_STEP * height), 1 - height))
            hashes.append(_hashes(luma, xs, ys, width, height))
            boxes += [(x, y, width, height) for y in ys.tolist() for x in xs.tolist()]
        side *= _SCALE_RATIO
    return np.concatenate(hashes, axis=1), np.array(boxes, dtype=np.float64).reshape(-1, 4)


def _crop_views(luma: np.ndarray, aspect: float) -> tuple[np.ndarray, np.ndarray]:
    """For (n, 64, 64) pictures of one aspect, as possible crops: (n, v) hashes of their central
    square at _SUB_SCALES sizes and _OFFSETS x _OFFSETS places, and the v boxes."""
    hashes, boxes = [], []
    steps = (np.arange(_OFFSETS) - (_OFFSETS - 1) / 2) * _PLACE_STEP / _OFFSETS
    for k in range(_SUB_SCALES):
        width, height = _square(aspect, _CROP_VIEW * _SCALE_RATIO ** (-k / _SUB_SCALES))
        xs, ys = (1 - width) / 2 + steps * width, (1 - height) / 2 + steps * height
        hashes.append(_hashes(luma, xs, ys, width, height))
        boxes += [(x, y, width, height) for y in ys.tolist() for x in xs.tolist()]
    return np.concatenate(hashes, axis=1), np.array(boxes, dtype=np.float64).reshape(-1, 4)


def _all_views(
    luma: np.ndarray, aspect: np.ndarray, photos: np.ndarray, crop: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every photo's views (of the crop kind or the original kind): hashes, photo, box; flat
    views left out."""
    hashes, owners, boxes = [], [], []
    by_aspect: dict[float, list[int]] = {}
    for photo in photos.tolist():
        by_aspect.setdefault(round(float(aspect[photo]), 2), []).append(photo)
    for shape, members in sorted(by_aspect.items()):
        for start in range(0, len(members), _BATCH):
            batch = np.array(members[start : start + _BATCH], dtype=np.int64)
            found, box = (_crop_views if crop else _original_views)(luma[batch].astype(np.float32), shape)
            keep = found != 0
            hashes.append(found[keep])
            owners.append(np.repeat(batch[:, None], found.shape[1], axis=1)[keep])
            boxes.append(box[np.nonzero(keep)[1]])
    if not hashes:
        return np.empty(0, np.uint64), np.empty(0, np.int64), np.empty((0, 4))
    return np.concatenate(hashes), np.concatenate(owners), np.concatenate(boxes)


def _sample(luma: np.ndarray, boxes: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """(m, rows, columns): each of (m, 4) boxes of a 64x64 picture sampled bilinearly at
    (columns, rows) points."""
    steps_y = (np.arange(size[1]) + 0.5) / size[1]
    steps_x = (np.arange(size[0]) + 0.5) / size[0]
    rows = (boxes[:, 1, None] + steps_y * boxes[:, 3, None]) * LUMA_SIDE - 0.5  # (m, rows)
    columns = (boxes[:, 0, None] + steps_x * boxes[:, 2, None]) * LUMA_SIDE - 0.5
    grid_rows = np.broadcast_to(rows[:, :, None], (len(boxes), size[1], size[0]))
    grid_columns = np.broadcast_to(columns[:, None, :], (len(boxes), size[1], size[0]))
    sampled: np.ndarray = map_coordinates(luma, [grid_rows, grid_columns], order=1, mode="nearest")
    return sampled


def _shrunk(luma: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """A 64x64 picture averaged to (columns, rows) cells."""
    rows, columns = (_weights(np.zeros(1), 1.0, cells)[0] for cells in (size[1], size[0]))
    shrunk: np.ndarray = rows @ luma @ columns.T
    return shrunk


def _correlations(samples: np.ndarray, template: np.ndarray) -> np.ndarray:
    """Correlation of each (m, rows, columns) sample with the template (an affine grey map taken out)."""
    a = samples - samples.mean(axis=(1, 2), keepdims=True)
    b = template - template.mean()
    scores: np.ndarray = (a * b).sum(axis=(1, 2)) / np.sqrt((a * a).sum(axis=(1, 2)) * (b * b).sum() + 1e-9)
    return scores


def _size(box: Box) -> tuple[int, int]:
    return max(2, round(box[2] * LUMA_SIDE)), max(2, round(box[3] * LUMA_SIDE))


def _inside(boxes: np.ndarray) -> np.ndarray:
    slack = 0.5 / LUMA_SIDE  # half a pixel: where an edge lies is known to a pixel
    inside: np.ndarray = (
        (boxes[:, 0] >= -slack)
        & (boxes[:, 1] >= -slack)
        & (boxes[:, 0] + boxes[:, 2] <= 1 + slack)
        & (boxes[:, 1] + boxes[:, 3] <= 1 + slack)
    )
    return inside


def _refined(original: np.ndarray, crop: np.ndarray, box: Box) -> tuple[float, Box]:
    """Climb from `box` to the best place and size, in ever finer steps down to a quarter pixel
    (the crop's aspect is kept: width and height scale together), comparing at the start's size."""
    size = _size(box)
    template = _shrunk(crop, size)
    # first the size, about the box's centre: the meetings agree on it to an eighth at best
    factors = _SIZE_TRIES ** (np.arange(-3, 4) / 3)
    centre_x, centre_y = box[0] + box[2] / 2, box[1] + box[3] / 2
    starts = np.stack(
        [centre_x - box[2] * factors / 2, centre_y - box[3] * factors / 2, box[2] * factors, box[3] * factors], axis=1
    )
    scores = np.where(_inside(starts), _correlations(_sample(original, starts, size), template), -1.0)
    score, best = float(scores.max()), starts[int(np.argmax(scores))]
    moves = np.array([(dx, dy, df) for dx in (-1, 0, 1) for dy in (-1, 0, 1) for df in (-1, 0, 1)], dtype=np.float64)
    for step in (2.0, 1.0, 0.5, 0.25):
        for _ in range(8):
            factor = 1 + moves[:, 2] * step / (best[2] * LUMA_SIDE)
            boxes = np.stack(
                [
                    best[0] + moves[:, 0] * step / LUMA_SIDE,
                    best[1] + moves[:, 1] * step / LUMA_SIDE,
                    best[2] * factor,
                    best[3] * factor,
                ],
                axis=1,
            )
            scores = np.where(_inside(boxes), _correlations(_sample(original, boxes, size), template), -1.0)
            pick = int(np.argmax(scores))
            if scores[pick] <= score:
                break
            score, best = float(scores[pick]), boxes[pick]
    return score, (float(best[0]), float(best[1]), float(best[2]), float(best[3]))


def crop_in(original: np.ndarray, crop: np.ndarray, box: Box) -> Box | None:
    """Where `crop` (a 64x64 picture) lies in `original` (a 64x64 picture) near `box`, or None:
    once refined, the region's pixels and gradients match the crop's shrunk to the region's size."""
    original, crop = original.astype(np.float32), crop.astype(np.float32)
    score, region = _refined(original, crop, box)
    size = _size(region)
    if score < MIN_PIXEL_MATCH or region[2] * region[3] > MAX_CROP_AREA or min(size) < _MIN_REGION:
        return None
    template = _shrunk(crop, size)
    pixels = float(_correlations(_sample(original, np.array([region]), size), template)[0])
    edges = gradient_correlation(_sample(original, np.array([region]), size)[0], template)
    return region if pixels >= MIN_PIXEL_MATCH and edges >= MIN_EDGE_MATCH else None


def _met_regions(
    view_box: np.ndarray, crop_box: np.ndarray, originals: np.ndarray, crops: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For each meeting, where it puts the crop in the original (left, top, width, height), and
    whether that region can be a small crop: inside the original, at most MAX_CROP_AREA of it,
    at least _MIN_REGION pixels a side, and not the photo itself."""
    width, height = view_box[:, 2] / crop_box[:, 2], view_box[:, 3] / crop_box[:, 3]
    left, top = view_box[:, 0] - crop_box[:, 0] * width, view_box[:, 1] - crop_box[:, 1] * height
    slack = 1 / LUMA_SIDE
    usable = (
        (originals != crops)
        & (width * height <= MAX_CROP_AREA)
        & (np.minimum(width, height) * LUMA_SIDE >= _MIN_REGION)
        & (left >= -slack)
        & (top >= -slack)
        & (left + width <= 1 + slack)
        & (top + height <= 1 + slack)
    )
    return np.stack([left, top, width, height], axis=1), usable


def _agreed(regions: np.ndarray) -> tuple[int, Box]:
    """How many of one pair's meetings agree on one region (within _AGREE of its side and size),
    and the region most agree on."""
    left, top, width = regions[:, 0, None], regions[:, 1, None], regions[:, 2, None]
    agree = (
        (np.abs(left - left.T) <= _AGREE * width)
        & (np.abs(top - top.T) <= _AGREE * width)
        & (np.abs(np.log(width / width.T)) <= _AGREE)
    )
    counts = agree.sum(axis=1)
    best = int(np.argmax(counts))
    region = regions[best]
    return int(counts[best]), (float(region[0]), float(region[1]), float(region[2]), float(region[3]))


def _padded_inside(luma: np.ndarray, region: Box) -> bool:
    """The region is what a padded photo holds inside its border (crop_candidates finds those
    and says "padded"; the inside is not a crop): it covers the inside to `_PAD_SLACK` pixels."""
    content = padded_content(luma)
    if content is None:
        return False
    top, bottom, left, right = content
    edges = np.array([region[1], region[1] + region[3], region[0], region[0] + region[2]]) * LUMA_SIDE
    return bool(np.abs(edges - np.array([top, bottom, left, right])).max() <= _PAD_SLACK)


def _side_lines(luma: np.ndarray, region: Box, side: int, depth: float) -> np.ndarray | None:
    """The line of the 64x64 picture `depth` pixels outside the region's side (0 left, 1 right,
    2 top, 3 bottom; negative depth: inside), or None where that side lies at the picture's edge."""
    left, top, width, height = (v * LUMA_SIDE for v in region)
    edge = (left, left + width, top, top + height)[side]
    if edge < 1.5 or edge > LUMA_SIDE - 1.5:
        return None
    outward = -1.0 if side in (0, 2) else 1.0
    start, length = (top, height) if side < 2 else (left, width)
    along = start + (np.arange(_SAMPLES) + 0.5) / _SAMPLES * length - 0.5
    across = np.full(_SAMPLES, edge + outward * depth - 0.5)
    points = [along, across] if side < 2 else [across, along]
    line: np.ndarray = map_coordinates(luma, points, order=1, mode="nearest")
    return line


def _pasted(luma: np.ndarray, region: Box) -> bool:
    """The region was pasted, not cut: on every side of it inside the original the picture jumps
    across its edge (`_SEAM` times the change between its own last two lines), as where a photo
    meets its neighbour in a collage or a screenshot; a crop's scene goes on across its edges."""
    seams = []
    for side in range(4):
        outside, edge, inside = (_side_lines(luma, region, side, depth) for depth in (0.5, -0.5, -1.5))
        if outside is None or edge is None or inside is None:
            continue
        seams.append(float(np.abs(outside - edge).mean()) >= _SEAM * float(np.abs(edge - inside).mean()))
    return bool(seams) and all(seams)


Candidate = tuple[int, int, int, Box]  # votes, original, crop, the region most meetings agree on


def _to_verify(agreed: list[Candidate], limit: int) -> list[Candidate]:
    """The candidates to verify (about 10 ms each): at most `limit`, those most meetings agree on
    first (then by photo, so the choice is the same each run); the log says how many were left."""
    ordered = sorted(agreed, key=lambda candidate: (-candidate[0], candidate[1], candidate[2]))
    if len(ordered) > limit:
        log.info("small crops: %d of %d candidate pairs verified (most votes first)", limit, len(ordered))
    return ordered[:limit]


def small_crop_pairs(luma: np.ndarray, aspect: np.ndarray, photos: np.ndarray) -> np.ndarray:
    """Pairs (original, crop) of `photos` indices where the crop is a region of the original.

    Cost, measured on the shared 2-core machine at a load under 1 (3 to 4 times more at load 6):
    2,600 views a photo of the original kind and 27 of the crop kind, 6.8 ms a photo to hash; the
    band search 6 s for 1,000 generated photos (crops of 8 pictures, so often related). On the
    real-world corpus's 261 photos that stay: views 2.1 s (33 aspects), search 0.6 s, 4,478
    meetings, 99 of the 33,930 pairs meeting 3 times on one region, verified at 20 to 70 ms each:
    4.8 s in all. At 10^4 photos the views alone take about 70 s: not yet fit for the gather step.
    Since (issue 23): the views' medians come from a sort (the corpus's 215 photos' views: 0.83 s before,
    0.36 s after, best of 3 at load 2-5, one BLAS thread as in the workflow), and at most MAX_VERIFIED pairs are
    verified, the most voted first, so that a library of many crops of few pictures is bounded too.
    """
    if len(photos) < 2:
        return np.empty((0, 2), dtype=np.int64)
    view_hash, view_owner, view_box = _all_views(luma, aspect, photos, crop=False)
    crop_hash, crop_owner, crop_box = _all_views(luma, aspect, photos, crop=True)
    # the few crop views probe the many views of originals (sorted once a band): 4x faster than
    # the other way round, measured on 500 photos
    met = close_across(crop_hash, view_hash, _MAX_DISTANCE, 1)
    originals, crops = view_owner[met[:, 1]], crop_owner[met[:, 0]]
    regions, usable = _met_regions(view_box[met[:, 1]], crop_box[met[:, 0]], originals, crops)
    originals, crops, regions = originals[usable], crops[usable], regions[usable]
    if len(regions) == 0:
        return np.empty((0, 2), dtype=np.int64)
    pair_key = originals * (int(crops.max()) + 1) + crops
    order = np.argsort(pair_key, kind="stable")
    keys, starts, counts = np.unique(pair_key[order], return_index=True, return_counts=True)
    agreed: list[Candidate] = []  # each pair whose meetings agree on one region
    for start, count in zip(starts[counts >= _MIN_VOTES].tolist(), counts[counts >= _MIN_VOTES].tolist(), strict=True):
        rows = order[start : start + count]
        votes, region = _agreed(regions[rows])
        if votes >= _MIN_VOTES:
            agreed.append((votes, int(originals[rows[0]]), int(crops[rows[0]]), region))
    found = []
    for _, original, crop, region in _to_verify(agreed, MAX_VERIFIED):
        found_at = crop_in(luma[original], luma[crop], region)
        if (
            found_at is not None
            and not _padded_inside(luma[original], found_at)
            and not _pasted(luma[original].astype(np.float32), found_at)
        ):
            found.append((original, crop))
    return np.array(sorted(found), dtype=np.int64).reshape(-1, 2)


# Candidate pairs verified at most, the most voted first: verifying costs about 10 ms a pair (3 to
# 4 times more at load 6), so this bounds it to a few seconds however many photos are alike (a
# library of crops of a few pictures: 4,157 pairs of 2,000 photos met 3 times, 80 s or more).
# The real-world corpus verifies 99 pairs.
MAX_VERIFIED = 500

# Photos that stay (after copies are handled) up to which small crops are searched: the views cost
# about 7 ms a photo and the search as much again (small_crop_pairs), 30 s at this count; a larger
# library is searched for the crops crop_candidates' boxes find only (the log says so).
MAX_PHOTOS_SEARCHED = 2000


def small_crops_searched(luma: np.ndarray, aspect: np.ndarray, photos: np.ndarray) -> np.ndarray:
    """small_crop_pairs where at most MAX_PHOTOS_SEARCHED photos stay, else none (said in the log)."""
    if len(photos) > MAX_PHOTOS_SEARCHED:
        log.info("small crops not searched: %d photos stay, more than %d", len(photos), MAX_PHOTOS_SEARCHED)
        return np.empty((0, 2), dtype=np.int64)
    return small_crop_pairs(luma, aspect, photos)
