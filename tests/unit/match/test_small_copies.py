"""A copy made tiny (a 100-px thumbnail exported as PNG, TIFF or GIF) is still a copy of its original;
a tiny copy of a burst neighbour is not (real photos, real signatures)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PIL import Image
from scipy.ndimage import gaussian_filter
from support.signature_table import table_of

from photo_dedup.match.verify import SMALL_SIDE, MatchThresholds, measure_pairs


def tiny(image: Image.Image, width: int = 100) -> Image.Image:
    height = round(image.height * width / image.width)
    return image.resize((width, height), Image.Resampling.LANCZOS)


def moved(image: Image.Image, shift: float) -> Image.Image:
    w, h = image.size
    return image.crop((int(w * shift), 0, w, h)).resize((w, h), Image.Resampling.LANCZOS)


@pytest.mark.parametrize("name", ["astronaut", "chelsea", "coffee", "rocket"])
def test_a_tiny_copy_is_a_copy_and_a_tiny_burst_frame_is_not(photos, name):
    original = photos[name].resize((1024, round(1024 * photos[name].height / photos[name].width)))
    gif = tiny(original).quantize(256).convert("RGB")  # a GIF's 256 colours
    table = table_of([original, tiny(original), gif, tiny(moved(original, 0.04))])
    assert min(table.photos["height"]) < SMALL_SIDE
    evidence = measure_pairs(table, np.array([[0, 1], [0, 2], [1, 2], [0, 3], [1, 3]]), MatchThresholds())
    assert evidence.accepted.tolist() == [True, True, True, False, False]


def test_large_photos_are_compared_unblurred(photos, monkeypatch):
    """Blurring is for pairs with a tiny photo only: a large pair is measured on its pictures as they
    are, which differs from the blurred measurement (0.14 against 0.47 for a moved frame, 0.980 against
    0.994 for a half-size copy).

    Mutant: every pair blurred (`with_small` always true in verify._structure_and_alignment) -> the
    structure equals the one measured on pictures blurred beforehand, and the first assertion fails.
    """
    from photo_dedup.match import verify

    original = photos["chelsea"]
    table = table_of([original, moved(original, 0.04), original.reduce(2)])
    pairs = np.array([[0, 1], [0, 2]])
    measured = measure_pairs(table, pairs, MatchThresholds())
    sigma = (0, verify._SMALL_BLUR, verify._SMALL_BLUR)  # as the pairs with a tiny photo are blurred
    blurred = replace(table, luma=gaussian_filter(table.luma.astype(np.float32), sigma=sigma))
    measured_blurred = measure_pairs(blurred, pairs, MatchThresholds())
    assert np.all(np.abs(measured.structure - measured_blurred.structure) > 0.01)
    monkeypatch.setattr(verify, "SMALL_SIDE", 0)  # no photo counts as tiny: the same measurement
    assert np.array_equal(measured.structure, measure_pairs(table, pairs, MatchThresholds()).structure)
