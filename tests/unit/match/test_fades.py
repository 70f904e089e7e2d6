"""Photos faded at their edges (a dark vignette, a PNG whose alpha fades the edges out, seen over
white) are found beside their original; copies, tone edits, burst neighbours and other photos are
not. Real photos (scikit-image's), real signatures."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageEnhance
from support.signature_table import table_of

from photo_dedup.demo import variants
from photo_dedup.match.fades import FADED, FADED_FROM, faded, faded_pairs

# (the rocket, dark but for its middle, changes too little where a vignette darkens it: not found)
NAMES = ["astronaut", "chelsea", "coffee", "motorcycle"]


def _falloff(size: tuple[int, int], centre: tuple[float, float] = (0.5, 0.5)) -> np.ndarray:
    """A weight 1 in the middle (three quarters of the way to the edges), falling smoothly to 0 towards the corners
    (as a vignette or a soft edge)."""
    w, h = size
    y, x = np.mgrid[0:h, 0:w]
    distance = np.hypot((x / w - centre[0]) / 0.5, (y / h - centre[1]) / 0.5)
    weight: np.ndarray = np.clip((1.4 - distance) / 0.65, 0.0, 1.0) ** 1.5
    return weight


def vignette(image: Image.Image) -> Image.Image:
    """The edges darkened towards black."""
    array = np.asarray(image, dtype=np.float32) * _falloff(image.size)[:, :, None]
    return Image.fromarray(array.astype(np.uint8))


def alpha_faded(image: Image.Image) -> Image.Image:
    """A PNG whose alpha fades the edges out (off centre, as libjxl's tulips), seen over white as the
    fingerprint step sees every photo with transparency."""
    rgba = image.convert("RGBA")
    rgba.putalpha(Image.fromarray((255 * _falloff(image.size, (0.6, 0.5))).astype(np.uint8)))
    white = Image.new("RGBA", image.size, (255, 255, 255, 255))
    return Image.alpha_composite(white, rgba).convert("RGB")


def _jpeg(image: Image.Image, quality: int = 90) -> Image.Image:
    data = io.BytesIO()
    image.save(data, "JPEG", quality=quality)
    return Image.open(io.BytesIO(data.getvalue())).convert("RGB")


@pytest.mark.parametrize("name", NAMES)
def test_a_photo_faded_at_its_edges_is_found_and_nothing_else(photos, name):
    """Mutants: MIN_KEPT at 0 (the centre need not be kept) finds the brightened copy or the gamma
    edit; MAX_LOCAL at 255 finds the burst neighbour whose subject moved beside the fades;
    MIN_DIFFERENCE at -100 (no first test) finds the JPEG copy; faded() without its black blend
    misses the vignette, without its white one the alpha fade."""
    original = photos[name].convert("RGB")
    with tempfile.TemporaryDirectory() as folder:
        bursts = [
            Image.open(variants.burst_neighbour(original, Path(folder) / f"{shift}.jpg", shift=shift, seed=1)).convert(
                "RGB"
            )
            for shift in (0.0, 0.02)
        ]
    others = [
        ImageEnhance.Brightness(original).enhance(1.3),
        original.point(lambda v: round(255 * (v / 255) ** 0.6)),
        *bursts,
        vignette(photos["hubble"].convert("RGB").resize(original.size)),
    ]
    # the original, its fades and a copy of it (a fade of the one is a fade of the other), then others
    table = table_of([original, vignette(original), alpha_faded(original), _jpeg(original, 70), *others])
    pairs, kinds = faded_pairs(table, np.arange(len(table)))
    found = dict(zip(map(tuple, pairs.tolist()), kinds, strict=True))
    assert found.get((0, 1)) == FADED and found.get((0, 2)) == FADED, found
    assert set(found) <= {(0, 1), (0, 2), (1, 2), (1, 3), (2, 3)}, found
    everyone = np.array([[i, j] for i in range(4) for j in range(4, len(table))])
    assert not faded(table.luma, everyone).any()  # not even where their centres hash apart
    assert faded(table.luma, np.array([[1, 0], [3, 1]])).tolist() == [-1, 1]  # and which is the fade
    assert found.get((1, 3), FADED_FROM) == FADED_FROM


def test_a_fade_is_not_searched_between_one_cameras_exposures_moments_apart(photos):
    """A burst frame faded by the light (mutant: faded_pairs without exposures_apart finds it)."""
    original = photos["coffee"].convert("RGB")
    camera = {"make": "Canon", "model": "EOS"}
    facts = [{**camera, "taken": "2024-05-01T10:00:00"}, {**camera, "taken": "2024-05-01T10:00:02"}]
    table = table_of([original, vignette(original)], facts)
    pairs, _ = faded_pairs(table, np.arange(2))
    assert len(pairs) == 0
    assert len(faded_pairs(table_of([original, vignette(original)]), np.arange(2))[0]) == 1
