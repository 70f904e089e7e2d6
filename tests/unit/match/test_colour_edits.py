"""An automatic enhance is a copy; a colour grade or black and white is an edit (real photos, real signatures)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageEnhance, ImageOps
from support.colour_edits import enhanced, white_balanced
from support.signature_table import table_of

from photo_dedup.match.verify import MatchThresholds, measure_pairs


def strongly_enhanced(image: Image.Image) -> Image.Image:
    """Auto-contrast all the way, warmer, 8 % brighter, 10 % more saturated: on a low-contrast photo
    brightness +35 %, contrast +48 %, colourfulness x1.9 (chelsea)."""
    adjusted = ImageOps.autocontrast(white_balanced(image, (1.06, 1.0, 0.95)), cutoff=0.5, preserve_tone=True)
    adjusted = ImageEnhance.Brightness(adjusted).enhance(1.08)
    return ImageEnhance.Color(adjusted).enhance(1.1)


def graded(image: Image.Image) -> Image.Image:
    return white_balanced(image, (1.25, 1.0, 0.75))


@pytest.mark.parametrize("name", ["chelsea", "coffee", "astronaut", "rocket"])
def test_an_auto_enhance_is_a_copy_and_a_grade_or_black_and_white_an_edit(photos, name):
    original = photos[name]
    table = table_of([original, enhanced(original), graded(original), original.convert("L").convert("RGB")])
    evidence = measure_pairs(table, np.array([[0, 1], [0, 2], [0, 3]]), MatchThresholds())
    assert evidence.accepted.tolist() == [True, False, False]
    assert evidence.edit.tolist() == [False, True, True]
    enhance_tint, grade_tint, _ = evidence.grey_tint
    assert enhance_tint < MatchThresholds().max_grey_tint < grade_tint


def test_tones_changed_beyond_a_light_adjust_are_an_edit_not_a_copy(photos):
    """Pixels cannot tell an auto-enhance from a person's edit, and only copies are removed: a
    strong enhance of a low-contrast photo, +25 % brightness, +35 % contrast, +60 % saturation and
    -0.5 EV are edits (the mutant: tone_strength's bounds off accepts them all)."""
    original = photos["chelsea"].convert("RGB")
    edits = [
        strongly_enhanced(original),
        ImageEnhance.Brightness(original).enhance(1.25),
        ImageEnhance.Contrast(original).enhance(1.35),
        ImageEnhance.Color(original).enhance(1.6),
        ImageEnhance.Brightness(original).enhance(0.7),
    ]
    table = table_of([original, *edits])
    evidence = measure_pairs(table, np.array([[0, i] for i in range(1, len(edits) + 1)]), MatchThresholds())
    assert not evidence.accepted.any()
    assert evidence.edit.all() and set(evidence.edit_kind) == {"other colours or tones"}


def test_no_pairs_at_all_is_no_evidence(photos):
    table = table_of([photos["chelsea"]])
    evidence = measure_pairs(table, np.empty((0, 2), dtype=np.int64), MatchThresholds())
    assert len(evidence.accepted) == 0 and len(evidence.grey_tint) == 0


@pytest.mark.parametrize("name", ["chelsea", "coffee", "astronaut", "rocket"])
def test_a_channel_swap_is_no_copy_though_an_affine_map_explains_it(photos, name):
    """Red and blue swapped (Pillow's "rebanded" hopper): the colour map fits perfectly, but mixes
    the channels instead of keeping each; an enhance keeps them."""
    original = photos[name].convert("RGB")
    red, green, blue = original.split()
    swapped = Image.merge("RGB", (blue, green, red))
    table = table_of([original, enhanced(original), swapped])
    evidence = measure_pairs(table, np.array([[0, 1], [0, 2]]), MatchThresholds())
    assert evidence.accepted.tolist() == [True, False]
    assert evidence.edit[1]
