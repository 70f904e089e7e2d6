"""Turns and mirrors in the pixels are edits beside their original, found by content (no capture
time needed); different photos, and a photo beside itself, are not. Real photos, real signatures."""

from __future__ import annotations

import numpy as np
from PIL import Image
from support.signature_table import table_of

from photo_dedup.match.turns import dct_hashes, low_frequencies, turned_frequencies, turned_pairs

TURNS = [
    Image.Transpose.ROTATE_90,
    Image.Transpose.ROTATE_180,
    Image.Transpose.ROTATE_270,
    Image.Transpose.FLIP_LEFT_RIGHT,
    Image.Transpose.FLIP_TOP_BOTTOM,
    Image.Transpose.TRANSPOSE,
]


def test_every_turn_and_mirror_of_a_photo_is_found_and_nothing_else(photos):
    names = ["astronaut", "chelsea", "coffee", "rocket"]
    images = [photos[name].convert("RGB") for name in names]
    turned = [image.transpose(turn) for image in images for turn in TURNS]
    table = table_of(images + turned)
    found = {tuple(pair) for pair in turned_pairs(table.luma, np.arange(len(table))).tolist()}
    expected = {(i, len(images) + i * len(TURNS) + k) for i in range(len(images)) for k in range(len(TURNS))}
    assert expected <= found

    # turns of one photo relate to each other too; never across photos
    def photo_of(index: int) -> int:
        return index if index < len(images) else (index - len(images)) // len(TURNS)

    assert all(photo_of(a) == photo_of(b) for a, b in found)


def test_the_frequencies_of_a_turned_picture_are_computed_without_turning_it(photos):
    """Mirrors flip odd frequencies' signs, a transpose swaps axes: the seven views computed from the
    picture's own frequencies are exactly those of the seven turned pictures."""
    picture = table_of([photos["coffee"].convert("RGB")]).luma
    views = turned_frequencies(low_frequencies(picture))
    turned = [np.rot90(picture, k, axes=(1, 2)) for k in range(4)]
    real = [low_frequencies(np.ascontiguousarray(v[:, :, ::-1] if m else v)) for v in turned for m in (False, True)][1:]
    for view in views:
        assert min(np.abs(view - other).max() for other in real) < 1e-3
    assert len({int(dct_hashes(view)[0]) for view in views}) == 7
