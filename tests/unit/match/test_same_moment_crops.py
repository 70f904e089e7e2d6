"""Crops and turns of a shot are found among photos taken at the same moment; bursts and strangers are not."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from support import signature_table

from photo_dedup.match.photo_table import PhotoTable
from photo_dedup.match.same_moment_crops import crop_or_turn_pairs, same_moment_pairs


def table_of(images: list[Image.Image], taken: list[str | None]) -> PhotoTable:
    return signature_table.table_of(images, [{"taken": t, "make": "Canon", "model": "EOS R6"} for t in taken])


def burst_frame(image: Image.Image, shift: float) -> Image.Image:
    """The next frame: the camera moved by `shift` of the width, the frame filled again."""
    w, h = image.size
    return image.crop((int(w * shift), 0, w, h)).resize((w, h), Image.Resampling.LANCZOS)


@pytest.mark.parametrize("name", ["astronaut", "chelsea", "coffee", "rocket"])
def test_a_crop_and_a_turn_are_found_and_a_burst_frame_and_a_stranger_are_not(photos, name):
    image = photos[name]
    w, h = image.size
    moment = "2021-06-12T10:31:07"
    shots = [
        image,
        image.crop((int(w * 0.1), int(h * 0.05), int(w * 0.9), int(h * 0.9))).reduce(2),  # a crop, made smaller
        image.rotate(90, expand=True),  # turned in an editor
        image.convert("L").transpose(Image.Transpose.FLIP_LEFT_RIGHT).convert("RGB"),  # mirrored, black and white
        burst_frame(image, 0.04),
        photos["motorcycle" if name != "motorcycle" else "astronaut"],  # another photo of that second
        image.crop((0, 0, int(w * 0.8), int(h * 0.8))),  # a crop, but taken at another time
    ]
    table = table_of(shots, [moment] * 6 + ["2021-06-12T10:31:08"])
    pairs = same_moment_pairs(table)
    assert len(pairs) == 15  # the last photo has another capture time
    found = {tuple(pair) for pair in crop_or_turn_pairs(table, pairs).tolist()}
    assert {(0, 1), (0, 2), (0, 3)} <= found
    assert not found & {(0, 4), (0, 5), (1, 5), (2, 5), (4, 5)}


def test_photos_without_a_capture_time_are_never_paired(photos):
    image = photos["chelsea"]
    table = table_of([image, image.rotate(90, expand=True)], [None, None])
    assert len(same_moment_pairs(table)) == 0


def test_the_crop_search_correlates_as_scikit_image_does(photos):
    from skimage.feature import match_template

    from photo_dedup.match.same_moment_crops import correlator

    rng = np.random.default_rng(0)
    grey = np.asarray(photos["coffee"].convert("L").resize((32, 32)), dtype=np.float32)
    correlate = correlator(grey)
    for h, w in [(32, 32), (16, 24), (5, 31), (20, 9)]:
        top, left = rng.integers(0, 33 - h), rng.integers(0, 33 - w)
        template = grey[top : top + h, left : left + w] + rng.normal(0, 4, (h, w)).astype(np.float32)
        ours = correlate(template)
        assert np.allclose(ours, match_template(grey, template), atol=1e-4)
        assert np.unravel_index(int(np.argmax(ours)), ours.shape) == (top, left)


def test_a_second_holding_more_photos_than_any_burst_is_not_searched(photos, caplog):
    """A camera whose clock was never set stamps every photo alike: its pairs would grow with the square."""
    from photo_dedup.match.same_moment_crops import MAX_PHOTOS_A_MOMENT

    frames = [photos["coffee"].resize((64, 48)).rotate(k) for k in range(MAX_PHOTOS_A_MOMENT + 1)]
    n = MAX_PHOTOS_A_MOMENT
    assert len(same_moment_pairs(table_of(frames[:n], ["2000-01-01T00:00:00"] * n))) == n * (n - 1) // 2
    with caplog.at_level("INFO", logger="photo_dedup.match.same_moment_crops"):
        assert len(same_moment_pairs(table_of(frames, ["2000-01-01T00:00:00"] * (n + 1)))) == 0
    assert f"{n + 1} photos in seconds that hold more than {n} photos each" in caplog.text  # the log says so
