"""A 1- or 2-bit version of a grey photo (a fax, a thresholded scan) is an edit, not a copy: it keeps
the edges but not the tones, and as the larger file it would otherwise be kept over every grey copy."""

from __future__ import annotations

import numpy as np
from PIL import Image
from support.signature_table import table_of

from photo_dedup.fingerprint.decode import decode_photo
from photo_dedup.match.verify import MatchThresholds, measure_pairs


def test_tone_levels_are_read_from_the_file(photos, tmp_path):
    grey = photos["camera"] if "camera" in photos else photos["astronaut"].convert("L")
    grey = grey.convert("L")
    grey.save(tmp_path / "grey.png")
    grey.convert("1", dither=Image.Dither.NONE).save(tmp_path / "fax.tif")
    grey.point(lambda v: (v // 64) * 85).save(tmp_path / "two-bit.png")
    photos["astronaut"].save(tmp_path / "colour.jpg")
    levels = {name: decode_photo(str(tmp_path / name), 256, 10**9).tone_levels for name in
              ("grey.png", "fax.tif", "two-bit.png", "colour.jpg")}  # fmt: skip
    assert levels["fax.tif"] == 2 and levels["two-bit.png"] == 4
    assert levels["grey.png"] > 100 and levels["colour.jpg"] == 256


def test_a_bilevel_version_of_a_grey_photo_is_an_edit_and_a_four_bit_one_a_copy(photos):
    grey = photos["astronaut"].convert("L")
    bilevel = grey.convert("1", dither=Image.Dither.FLOYDSTEINBERG).convert("L")  # a fax: edges kept
    four_bit = grey.point(lambda v: (v // 16) * 17)
    images = [grey.convert("RGB"), four_bit.convert("RGB"), bilevel.convert("RGB"), bilevel.convert("RGB")]
    facts = [{"tone_levels": 230}, {"tone_levels": 16}, {"tone_levels": 2}, {"tone_levels": 2}]
    table = table_of(images, facts)
    evidence = measure_pairs(table, np.array([[0, 1], [0, 2], [1, 2], [2, 3]]), MatchThresholds())
    assert evidence.accepted.tolist() == [True, False, False, True]  # the 1-bit one a copy only of its twin
    assert evidence.edit[1] and evidence.edit[2]  # beside the grey original, kept
