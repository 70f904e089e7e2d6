"""Crops and pads without a shared capture time are found by their content and placed beside their
original; different photos are not. Real photos (scikit-image's), real signatures."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageOps
from support.signature_table import table_of

from photo_dedup.match.crop_candidates import cropped_pairs, padded_content

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
