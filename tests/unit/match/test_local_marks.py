"""Marks drawn on a photo (text, a caption, a digit, a logo) make it an edit of the photo, never a
copy; compression, resizing and an automatic enhance stay copies. Real photos, real signatures."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from support.colour_edits import enhanced
from support.signature_table import table_of

from photo_dedup.match.local_difference import MIN_CONCENTRATION, local_difference, marked
from photo_dedup.match.verify import MatchThresholds, measure_pairs


def jpeg(image: Image.Image, quality: int) -> Image.Image:
    data = io.BytesIO()
    image.save(data, "JPEG", quality=quality)
    return Image.open(io.BytesIO(data.getvalue())).convert("RGB")


def text(image: Image.Image, words: str, height: float, at: tuple[float, float]) -> Image.Image:
    marked = image.copy()
    size = max(10, int(image.height * height))
    draw = ImageDraw.Draw(marked)
    font = ImageFont.load_default(size=size)
    place = (int(image.width * at[0]), int(image.height * at[1]))
    draw.text(place, words, fill=(255, 255, 255), font=font, stroke_width=max(1, size // 12), stroke_fill=(0, 0, 0))
    return marked


def caption(image: Image.Image) -> Image.Image:
    marked = image.copy()
    bar = int(image.height * 0.1)
    draw = ImageDraw.Draw(marked)
    draw.rectangle([0, image.height - bar, image.width, image.height], fill=(0, 0, 0))
    draw.text(
        (10, image.height - bar + 4), "Summer 2019", fill=(255, 255, 255), font=ImageFont.load_default(size=bar // 2)
    )
    return marked


def logo(image: Image.Image) -> Image.Image:
    marked = image.copy()
    side = int(min(image.size) * 0.12)
    draw = ImageDraw.Draw(marked)
    draw.ellipse([image.width - side - 10, 10, image.width - 10, 10 + side], fill=(220, 30, 30))
    return marked


COPIES = {
    "recompressed": lambda image: jpeg(image, 60),
    "resized": lambda image: jpeg(image.resize((image.width // 3, image.height // 3), Image.Resampling.LANCZOS), 85),
    "enhanced": lambda image: jpeg(enhanced(image), 90),
}
MARKS = {
    "text": lambda image: jpeg(text(image, "Hello", 0.06, (0.05, 0.05)), 90),
    "digit": lambda image: jpeg(text(image, "7", 0.12, (0.8, 0.7)), 90),
    "caption": lambda image: jpeg(caption(image), 90),
    "logo": lambda image: jpeg(logo(image), 90),
}


@pytest.mark.parametrize("name", ["astronaut", "chelsea", "coffee", "rocket", "hubble"])
def test_a_mark_drawn_on_a_photo_makes_an_edit_and_copies_stay_copies(photos, name):
    original = photos[name].convert("RGB")
    made = [make(original) for make in (*COPIES.values(), *MARKS.values())]
    table = table_of([jpeg(original, 95), *made])
    pairs = np.array([[0, i] for i in range(1, len(made) + 1)])
    evidence = measure_pairs(table, pairs, MatchThresholds())
    copies = len(COPIES)
    assert evidence.accepted.tolist() == [True] * copies + [False] * len(MARKS), dict(
        zip([*COPIES, *MARKS], evidence.local_concentration.tolist(), strict=True)
    )
    # beside the original, kept; a caption bar over a tenth of the picture changes its structure too
    # much to be matched as the same shot at all: it stays, in no group
    assert evidence.edit[copies : copies + 2].all() and evidence.edit[-1]


def test_copies_differ_a_little_everywhere_and_a_mark_a_lot_in_one_place(photos):
    original = jpeg(photos["astronaut"].convert("RGB"), 95)
    table = table_of([original, COPIES["recompressed"](original), MARKS["text"](original)])
    worst, concentration = local_difference(table.luma, np.array([[0, 1], [0, 2]]))
    assert concentration[0] < MIN_CONCENTRATION < concentration[1]
    assert worst[1] > 4 * worst[0]


def test_google_photos_own_edit_in_a_takeout_is_an_edit_of_its_original(photos):
    """Takeout's NAME-edited.jpg (brighter, more saturated: pixels alone would call it a copy) is the
    user's edit in Google Photos; a byte copy elsewhere with an -edited name is not Google's."""
    original = jpeg(photos["coffee"].convert("RGB"), 90)
    edit = jpeg(enhanced(original), 90)
    paths = ["/Takeout/Google Photos/2019/IMG_1.jpg", "/Takeout/Google Photos/2019/IMG_1-edited.jpg",
             "/Other/IMG_1-edited.jpg", "/Takeout/Google Photos/2019/IMG_1-bearbeitet.jpg",
             "/Masters/2019/IMG_1.jpg"]  # fmt: skip
    table = table_of([original, edit, edit, edit, original], [{"path": path} for path in paths])
    # the edit beside its Takeout original, elsewhere without one, in German, beside the camera's copy
    evidence = measure_pairs(table, np.array([[0, 1], [0, 2], [0, 3], [1, 4]]), MatchThresholds())
    assert evidence.accepted.tolist() == [False, True, False, False]
    assert evidence.edit.tolist() == [True, False, True, True]


def _reencoded_turned(image: Image.Image) -> Image.Image:
    """Stored transposed (as an orientation-5 file holds it), re-encoded, shown upright again."""
    return jpeg(image.transpose(Image.Transpose.TRANSPOSE), 90).transpose(Image.Transpose.TRANSPOSE)


@pytest.mark.parametrize("name", ["chelsea", "rocket", "coffee"])
def test_two_digits_over_a_busy_picture_re_encoded_in_another_pixel_order_are_edits(photos, name):
    """As libvips' rotation test photos: one picture, a digit drawn on each, some stored transposed
    (the mutant: local_difference not run on pairs of other pixel orders accepts 3 beside 5)."""
    original = photos[name].convert("RGB")
    three, five = (text(original, digit, 0.12, (0.45, 0.35)) for digit in ("3", "5"))
    table = table_of([jpeg(three, 90), _reencoded_turned(five), _reencoded_turned(three)])
    evidence = measure_pairs(table, np.array([[0, 1], [0, 2]]), MatchThresholds())
    assert evidence.accepted.tolist() == [False, True], evidence.local_concentration.tolist()
    assert evidence.edit[0]


def test_a_far_off_worst_window_needs_less_concentration():
    """Measured on real files (benchmarks/real_world.py): libvips' waterfall with a 3 and with a 5
    drawn on, one re-encoded transposed, worst window 25.8 grey levels, concentration 5.3; the
    closest real copies: 29.3 and 4.3 (photoprism's example.jpg beside its TIFF). The mutant:
    marked() without its STRONG_ rule calls the digits a copy."""
    worst = np.array([25.8, 29.3, 8.9, 12.0], dtype=np.float32)
    concentration = np.array([5.3, 4.3, 4.7, 6.1], dtype=np.float32)
    assert marked(worst, concentration).tolist() == [True, False, False, True]


def test_contrast_pushed_until_highlights_burn_is_an_edit(photos):
    """Pillow's contrasted hopper: highlights clipped that the original keeps (a light auto-adjust
    clips none: COPIES['enhanced'] above stays a copy). The mutant: no newly_clipped check."""
    from PIL import ImageEnhance

    original = jpeg(photos["astronaut"].convert("RGB"), 95)
    pushed = jpeg(ImageEnhance.Contrast(original).enhance(1.8), 90)
    table = table_of([original, pushed, COPIES["enhanced"](original)])
    evidence = measure_pairs(table, np.array([[0, 1], [0, 2]]), MatchThresholds())
    assert evidence.accepted.tolist() == [False, True]
    assert evidence.edit[0]
