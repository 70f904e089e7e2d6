"""Crops and pads without a shared capture time are found by their content and placed beside their
original; different photos are not. Real photos (scikit-image's), real signatures."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageOps
from support.signature_table import table_of

from photo_dedup.choose.grouping import around_keepers
from photo_dedup.match.crop_candidates import PLACED, cropped_pairs, padded_content
from photo_dedup.match.seams import MIN_SEAM, seam_steps

NAMES = ["astronaut", "chelsea", "coffee", "rocket", "hubble"]


def _aspect(table):
    return (table.photos["width"] / table.photos["height"]).to_numpy(dtype=np.float64)


def _edits(image: Image.Image) -> list[Image.Image]:
    """What editors and photo services make: ImageOps.pad with the picture centred or at an edge,
    ImageOps.fit to another aspect, a square crop at one end, a centred crop, each resized."""
    w, h = image.size
    side = min(w, h)
    return [
        ImageOps.pad(image, (w, w * 2), color=(200, 0, 0), centering=(0, 0)),
        ImageOps.pad(image, (h * 2, h), color=(0, 0, 0), centering=(1, 1)),
        ImageOps.pad(image, (w, w * 3 // 2), color=(255, 255, 255)),
        ImageOps.fit(image, (300, 450)),
        image.crop((w - side, 0, w, side)).resize((224, 224)),
        image.crop((w // 8, h // 8, w - w // 8, h - h // 8)).resize((w // 2, h // 2)),
    ]


def test_crops_and_pads_are_found_beside_their_original_and_nothing_else(photos):
    originals = [photos[name].convert("RGB") for name in NAMES]
    made = [_edits(image) for image in originals]
    table = table_of(originals + [edit for edits in made for edit in edits])
    pairs, kinds = cropped_pairs(table.luma, _aspect(table), np.arange(len(table)))
    found = {tuple(pair) for pair in pairs.tolist()}
    said = dict(zip(map(tuple, pairs.tolist()), kinds, strict=True))
    assert {said[(0, len(originals) + k)] for k in range(3) if (0, len(originals) + k) in said} <= {
        "padded (a border added)"
    }
    assert {said.get((0, len(originals) + 4), "a crop")} == {"a crop"}
    per = len(made[0])

    def edits_found(kinds: range) -> int:
        return sum((i, len(originals) + i * per + k) in found for i in range(len(originals)) for k in kinds)

    # the mutant, no box or pad views, finds none of either; measured: pads 14 of 15, crops 8 of 15
    # (a crop whose box hash is 4 or more bits from its own can share no band of it: not searched)
    assert edits_found(range(3)) >= 13
    assert edits_found(range(3, per)) >= 7
    shot_of = {i: i for i in range(len(originals))} | {
        len(originals) + i * per + k: i for i in range(len(originals)) for k in range(per)
    }
    strangers = [pair for pair in found if shot_of[pair[0]] != shot_of[pair[1]]]
    assert not strangers


def test_a_pad_is_told_by_its_border_of_one_colour(photos):
    image = photos["coffee"].convert("RGB")
    table = table_of([ImageOps.pad(image, (400, 800), color=(200, 0, 0), centering=(0, 0)), image])
    top, bottom, left, right = padded_content(table.luma[0])
    inside_rows = 64 * (400 * image.height / image.width) / 800  # the picture, at the top
    assert top == 0 and left == 0 and right == 64 and abs(bottom - inside_rows) <= 1
    assert padded_content(table.luma[1]) is None  # a photo's own edges are no border


def test_a_pad_says_what_it_is_to_the_photo_it_is_shown_beside(photos):
    """The photo leads its padded version though the pad holds more pixels (the mutant: the keeper
    rules alone put the pad first), and the pad says what it is to it."""
    from photo_dedup.choose.keeper import KeeperRanking
    from photo_dedup.choose.tiers import EDIT, ReviewPairs, review_groups

    image = photos["chelsea"].convert("RGB")
    table = table_of([image, ImageOps.pad(image, (image.width, image.width * 2), color=(0, 0, 0))])
    pairs, kinds = cropped_pairs(table.luma, _aspect(table), np.arange(2))
    assert pairs.tolist() == [[0, 1]] and kinds == ["padded (a border added)"]
    (group,) = review_groups(table, ReviewPairs(pairs, kinds), [], KeeperRanking(), EDIT)
    assert group.members[0] == 0 and group.kind == {1: "padded (a border added)"}


def test_a_photo_matching_only_a_member_of_another_group_joins_that_group():
    """An edit of an edit (a pad of a grey version, which went to the colour original's group) is
    shown beside its shot (the mutant, plain around_keepers, leaves it in no group)."""
    from photo_dedup.choose.grouping import around_keepers
    from photo_dedup.choose.tiers import _with_stragglers

    neighbours = {0: {1}, 1: {0, 2}, 2: {1}}
    best_first = [0, 1, 2]
    assert around_keepers(best_first, neighbours) == [[0, 1]]
    assert _with_stragglers(around_keepers(best_first, neighbours), best_first, neighbours) == [[0, 1, 2]]


def _collage(left: Image.Image, right: Image.Image) -> Image.Image:
    """Two photos side by side at one height (a collage, or Pillow's merged_hopper: one photo twice)."""
    height = left.height
    right = right.resize((round(right.width * height / right.height), height))
    canvas = Image.new("RGB", (left.width + right.width, height))
    canvas.paste(left, (0, 0))
    canvas.paste(right, (left.width, 0))
    return canvas


@pytest.mark.parametrize("name", ["chelsea", "coffee", "motorcycle"])
def test_a_photo_placed_whole_in_a_collage_is_told_from_a_crop_by_its_seam(photos, name):
    """A collage holding the photo whole beside another photo, or twice, is made from it; a crop of a
    photo's left part is cut from it (mutants: placed_whole always false says 'the photo it was
    cropped from' of the collages; MIN_SEAM at 0 says 'a larger picture holding it' of the crop)."""
    image = photos[name].convert("RGB")
    square = image.crop((0, 0, image.height, image.height))
    other = photos["hubble"].convert("RGB")
    made = [_collage(square, other), _collage(square, square), image]
    table = table_of([square, *made])
    pairs, kinds = cropped_pairs(table.luma, _aspect(table), np.arange(len(table)))
    said = dict(zip(map(tuple, pairs.tolist()), kinds, strict=True))
    assert said.get((0, 1)) == PLACED and said.get((0, 2)) == PLACED, said
    assert said.get((0, 3)) == "the photo it was cropped from", said
    steps = [seam_steps(table.luma[i], (0.0, 0.0, square.width / made[i - 1].width, 1.0)) for i in (1, 2, 3)]
    assert min(steps[0]) >= MIN_SEAM and min(steps[1]) >= MIN_SEAM > max(steps[2]), steps


def test_a_collage_and_a_crop_of_it_are_shown_beside_the_photo_it_was_made_from():
    """The collage (3) holds the original (1) whole; the original went to a better keeper's group (0,
    e.g. a larger grey version), so the collage and its crop (4) alone would form a group without the
    original (the mutant, plain _with_stragglers, keeps that group); they join the original's group."""
    from photo_dedup.choose.tiers import _DERIVED_KINDS, _beside_originals

    assert PLACED in _DERIVED_KINDS
    neighbours = {0: {1, 2}, 1: {0, 3}, 2: {0}, 3: {1, 4}, 4: {3}}
    best_first = [0, 1, 2, 3, 4]  # derived last: 3 made from 1, 4 cut from 3
    groups = around_keepers(best_first, neighbours)
    assert groups == [[0, 1, 2], [3, 4]]
    placed = _beside_originals(groups, {3, 4}, best_first, neighbours, lambda a, b: False)
    assert placed == [[0, 1, 2, 3, 4]]
    # the crop of the collage ranked before the collage: it joins once the collage has (the mutant,
    # one pass over the stragglers, leaves it in no group)
    order = [0, 1, 2, 4, 3]
    assert _beside_originals(around_keepers(order, neighbours), {3, 4}, order, neighbours, lambda a, b: False) == [
        [0, 1, 2, 3, 4]
    ]
    # a photo the user kept apart from the group stays in the group it had
    groups = around_keepers(best_first, neighbours)
    kept_apart = _beside_originals(groups, {3, 4}, best_first, neighbours, lambda a, b: {a, b} == {3, 0})
    assert kept_apart == [[0, 1, 2], [3, 4]]
