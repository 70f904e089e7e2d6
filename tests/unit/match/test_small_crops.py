"""Small crops (any place, down to about 5 % of the area, resized, recompressed, grey) are found
beside the photo they were cut from, by content alone; a moved subject, a shifted frame or a
neighbouring tile is not a crop. Real photos (scikit-image's), real signatures."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageOps
from support.signature_table import table_of

from photo_dedup.match import small_crops
from photo_dedup.match.small_crops import crop_in, small_crop_pairs, small_crops_searched

NAMES = ["astronaut", "chelsea", "coffee", "rocket", "hubble"]
# (left, top, width, height) as fractions: off-centre, none of crop_candidates' standard boxes
BOXES = [(0.55, 0.18, 0.3, 0.27), (0.08, 0.5, 0.22, 0.3), (0.35, 0.3, 0.42, 0.35)]


def _aspect(table):
    return (table.photos["width"] / table.photos["height"]).to_numpy(dtype=np.float64)


def _cut(image: Image.Image, box: tuple[float, float, float, float]) -> Image.Image:
    w, h = image.size
    left, top, width, height = box
    return image.crop((round(left * w), round(top * h), round((left + width) * w), round((top + height) * h)))


def _jpeg(image: Image.Image, quality: int = 80) -> Image.Image:
    data = io.BytesIO()
    image.save(data, "JPEG", quality=quality)
    return Image.open(io.BytesIO(data.getvalue())).convert("RGB")


def _crops(image: Image.Image) -> list[Image.Image]:
    """A crop as it is, one resized and recompressed, one grey with more contrast."""
    first, second, third = (_cut(image, box) for box in BOXES)
    return [
        first,
        _jpeg(second.resize((second.width * 2 // 3, second.height * 2 // 3), Image.Resampling.LANCZOS)),
        ImageOps.autocontrast(ImageOps.grayscale(third), cutoff=2).convert("RGB"),
    ]


def test_small_crops_are_found_beside_their_original_and_nothing_else(photos):
    """Measured: 10 of the 15 crops found (none of hubble's star field, whose small regions are
    nearly black; one of chelsea's and one of rocket's meet their original fewer than _MIN_VOTES
    times), no pair of two photos. Mutant: the crop's views at one place and size only (_OFFSETS
    = 1, _SUB_SCALES = 1), so that the two grids do not interleave: it finds none."""
    originals = [photos[name].convert("RGB") for name in NAMES]
    made = [_crops(image) for image in originals]
    table = table_of(originals + [crop for crops in made for crop in crops])
    found = {tuple(pair) for pair in small_crop_pairs(table.luma, _aspect(table), np.arange(len(table))).tolist()}
    per = len(BOXES)
    shot_of = {i: i for i in range(len(originals))} | {
        len(originals) + i * per + k: i for i in range(len(originals)) for k in range(per)
    }
    wanted = {(i, len(originals) + i * per + k) for i in range(len(originals)) for k in range(per)}
    assert len(found & wanted) >= 9
    assert not [pair for pair in found if shot_of[pair[0]] != shot_of[pair[1]]]


@pytest.mark.parametrize("name", [name for name in NAMES if name != "hubble"])
def test_a_moved_subject_is_no_crop(photos, name):
    """A crop in which one part moved (a retake or a burst frame of the same framing: a block a
    ninth of the crop shifted by its width) matches the region everywhere but there: measured,
    pixels correlate at 0.77 to 0.87 and gradients at 0.72 to 0.79 (the crop itself: 0.99, 0.92 or
    more). Mutant: loose thresholds (MIN_PIXEL_MATCH 0.75, MIN_EDGE_MATCH 0.7) accept them."""
    image = photos[name].convert("RGB")
    box = BOXES[2]
    crop = _cut(image, box)
    w, h = crop.size
    part = crop.crop((w // 4, h // 4, w // 4 + w // 3, h // 4 + h // 3))
    moved = crop.copy()
    moved.paste(part, (w // 4 + w // 3, h // 4))
    table = table_of([image, crop, moved])
    assert crop_in(table.luma[0], table.luma[1], box) is not None
    assert crop_in(table.luma[0], table.luma[2], box) is None


@pytest.mark.parametrize("name", NAMES)
def test_a_shifted_frame_is_no_crop(photos, name):
    """A burst neighbour, the frame shifted by 5 %, lines up best with 90 % of the photo: moved, not
    cut. Mutant: no limit on the region's area (MAX_CROP_AREA 1) takes it for a crop."""
    image = photos[name].convert("RGB")
    w, h = image.size
    shifted = image.crop((w // 20, h // 20, w, h))
    table = table_of([image, shifted])
    assert crop_in(table.luma[0], table.luma[1], (0.05, 0.05, 0.95, 0.95)) is None
    assert not len(small_crop_pairs(table.luma, _aspect(table), np.arange(2)))


def test_neighbouring_tiles_are_no_crop(photos):
    """Two overlapping tiles of one picture (a mosaic, a panorama's frames): each holds part of the
    other only. Mutant: crop_in without its checks (any refined region accepted)."""
    image = photos["coffee"].convert("RGB")
    w, h = image.size
    left, right = image.crop((0, 0, w * 6 // 10, h)), image.crop((w * 4 // 10, 0, w, h))
    table = table_of([image, left, right])
    found = {tuple(p) for p in small_crop_pairs(table.luma, _aspect(table), np.arange(3)).tolist()}
    assert (1, 2) not in found and (2, 1) not in found
    assert crop_in(table.luma[1], table.luma[2], (4 / 6, 0.0, 1.0, 1.0)) is None


def test_a_region_too_small_to_tell_is_no_crop(photos):
    """A region 11 pixels wide in the 64x64 picture matches the crop as well as any small patch of
    texture matches another (in the detection benchmark's library a patch of cell matched retina
    at 15x12 pixels: 0.95 in pixels, 0.87 in gradients), so it is not taken for a crop even when it
    is one; at 16 pixels it is. Mutant: _MIN_REGION 10 takes the 11-pixel one."""
    image = photos["astronaut"].convert("RGB")
    small, large = (0.4, 0.3, 0.175, 0.175), (0.4, 0.3, 0.25, 0.25)
    table = table_of([image, _cut(image, small), _cut(image, large)])
    assert crop_in(table.luma[0], table.luma[1], small) is None
    assert crop_in(table.luma[0], table.luma[2], large) is not None


def test_photos_pasted_into_a_collage_are_no_crops(photos):
    """A collage (four photos in a 2x2 grid; Pillow's docs' merged_hopper is two side by side)
    holds each photo pixel for pixel, but the photo was pasted, not cut from it: the picture jumps
    across every side of its region inside the collage. Mutant: no seam test (_pasted always
    false): measured, 3 of the 4 photos are taken for crops of the collage."""
    pictures = [photos[name].convert("RGB").resize((240, 180)) for name in ("astronaut", "coffee", "chelsea", "rocket")]
    collage = Image.new("RGB", (480, 360))
    for k, picture in enumerate(pictures):
        collage.paste(picture, ((k % 2) * 240, (k // 2) * 180))
    table = table_of([collage, *pictures])
    assert crop_in(table.luma[0], table.luma[1], (0.0, 0.0, 0.5, 0.5)) is not None  # the pixels match
    assert not len(small_crop_pairs(table.luma, _aspect(table), np.arange(len(table))))


def test_past_the_limit_no_small_crop_is_searched(photos, monkeypatch, caplog):
    """The search costs about 15 ms a photo that stays: past MAX_PHOTOS_SEARCHED it is left out and
    the log says so. Mutant: small_crops_searched ignoring the limit -> the crop is found."""
    image = photos["astronaut"].convert("RGB")
    table = table_of([image, _cut(image, BOXES[0])])
    assert len(small_crops_searched(table.luma, _aspect(table), np.arange(2)))
    monkeypatch.setattr(small_crops, "MAX_PHOTOS_SEARCHED", 1)
    with caplog.at_level("INFO"):
        assert not len(small_crops_searched(table.luma, _aspect(table), np.arange(2)))
    assert "small crops not searched: 2 photos stay, more than 1" in caplog.text


def test_verification_is_bounded(photos, monkeypatch):
    """At most MAX_VERIFIED candidate pairs are verified (about 10 ms each): here three crops of
    astronaut are the three candidates; with a bound of 2, two are verified and found. Mutant: no
    bound (every candidate is verified) -> three calls of crop_in."""
    originals = [photos[name].convert("RGB") for name in NAMES[:4]]
    table = table_of(originals + _crops(originals[0]))
    every = {tuple(pair) for pair in small_crop_pairs(table.luma, _aspect(table), np.arange(len(table))).tolist()}
    assert len(every) == 3
    calls = []
    real_crop_in = small_crops.crop_in

    def counted(*args):
        calls.append(args)
        return real_crop_in(*args)

    monkeypatch.setattr(small_crops, "crop_in", counted)
    monkeypatch.setattr(small_crops, "MAX_VERIFIED", 2)
    bounded = {tuple(pair) for pair in small_crop_pairs(table.luma, _aspect(table), np.arange(len(table))).tolist()}
    assert len(calls) == 2
    assert len(bounded) == 2 and bounded <= every


def test_the_most_voted_candidates_are_verified_first(caplog):
    """Past the bound, the candidates most meetings agree on are kept (then by photo, the same each
    run), and the log says how many were left. Mutant: the fewest votes first -> (2, 0, 9) kept."""
    region = (0.1, 0.1, 0.3, 0.3)
    agreed = [(3, 4, 5, region), (9, 1, 2, region), (2, 0, 9, region), (9, 0, 3, region), (5, 7, 8, region)]
    with caplog.at_level("INFO"):
        kept = small_crops._to_verify(agreed, 3)
    assert [candidate[:3] for candidate in kept] == [(9, 0, 3), (9, 1, 2), (5, 7, 8)]
    assert "3 of 5 candidate pairs verified (most votes first)" in caplog.text
    assert len(small_crops._to_verify(agreed, 10)) == 5


def test_view_hashes_split_at_the_median_as_numpy_computes_it(photos):
    """The views' hash bits are the coefficients above their median: the sorted middle two's mean
    equals np.median's to the bit (float32). Mutant: the upper middle value alone as the split
    (ordered[..., 32]) -> other bits."""
    table = table_of([photos[name].convert("RGB") for name in NAMES])
    luma = table.luma.astype(np.float32)
    xs = ys = np.linspace(0.0, 0.6, 7)
    hashed = small_crops._hashes(luma, xs, ys, 0.4, 0.4)
    rows = np.einsum("fs,ysp->yfp", small_crops._DCT8, small_crops._weights(ys, 0.4)).reshape(-1, 64)
    columns = np.einsum("fs,xsp->xfp", small_crops._DCT8, small_crops._weights(xs, 0.4)).reshape(-1, 64)
    low = (rows @ luma @ columns.T).reshape(len(luma), 7, 8, 7, 8).transpose(0, 1, 3, 2, 4).reshape(len(luma), 49, 64)
    bits = low > np.median(low, axis=2, keepdims=True)
    expected = np.packbits(bits, axis=2).view(">u8").astype(np.uint64)[..., 0]
    kept = hashed != 0  # flat views hash to 0
    assert kept.any()
    assert np.array_equal(hashed[kept], expected[kept])
