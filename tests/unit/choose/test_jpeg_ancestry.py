"""A file made from a JPEG holds that JPEG's quantisation; the keeper is never such a file over it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data
from support.file_records import file_record as _record

from photo_dedup.choose.jpeg_ancestry import MAX_LATTICE_DISTANCE, lattice_distance, made_from, mark_made_from_jpeg
from photo_dedup.choose.keeper import KeeperRanking


@pytest.fixture
def family(tmp_path: Path) -> dict[str, Path]:
    """The master (a lossless scan), a q40 JPEG made from it, and what was made from that JPEG."""
    master = tmp_path / "master.png"
    Image.fromarray(data.astronaut()).save(master)
    source = tmp_path / "source.jpg"
    Image.open(master).save(source, quality=40)
    decoded = Image.open(source).convert("RGB")
    lossless = tmp_path / "from-jpeg.png"
    decoded.save(lossless)
    better = tmp_path / "from-jpeg-q95.jpg"
    decoded.save(better, quality=95)
    return {"master": master, "source": source, "lossless": lossless, "better": better}


def _luma(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB").convert("YCbCr"))[:, :, 0]


def _steps(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).quantization[0], dtype=np.float32).reshape(8, 8)


def test_files_made_from_a_jpeg_hold_its_steps_and_its_source_does_not(family: dict[str, Path]) -> None:
    steps = _steps(family["source"])
    made = [lattice_distance(_luma(family[name]), steps) for name in ("lossless", "better")]
    unrelated = lattice_distance(_luma(family["master"]), steps)
    assert all(d is not None and d <= MAX_LATTICE_DISTANCE / 2 for d in made), made
    assert unrelated is not None and unrelated >= 0.2  # the master the JPEG was made from: anywhere


def test_made_from_has_a_direction(family: dict[str, Path]) -> None:
    source, better = _record(family["source"]), _record(family["better"])
    assert made_from(better, source, {})
    assert not made_from(source, better, {})  # the q40 JPEG was not made from the q95 one
    assert not made_from(_record(family["master"]), source, {})  # nor the master from the JPEG


def test_the_jpeg_is_kept_over_a_higher_quality_or_lossless_file_made_from_it(family: dict[str, Path]) -> None:
    """Without the ancestry the q95 re-encode wins on quality and the PNG on format (the mutant:
    mark_made_from_jpeg returning False keeps them)."""
    ranking = KeeperRanking()
    for name in ("better", "lossless"):
        members = [_record(family["source"]), _record(family[name])]
        ordered = ranking.best_first(members)
        assert ordered[0]["path"] == str(family[name])  # what the other rules say
        assert mark_made_from_jpeg(ordered)
        assert "made from source.jpg" in ordered[0]["conversion"]
        assert ranking.best_first(members)[0]["path"] == str(family["source"])


def test_a_changed_or_vanished_file_gives_no_evidence(family: dict[str, Path]) -> None:
    source, lossless = _record(family["source"]), _record(family["lossless"])
    family["lossless"].write_bytes(family["lossless"].read_bytes() + b"x")
    assert not made_from(lossless, source, {})
    family["lossless"].unlink()
    assert not mark_made_from_jpeg([lossless, source])


def test_a_cmyk_jpeg_is_never_kept_over_the_rgb_file_it_was_made_from(family: dict[str, Path], tmp_path: Path) -> None:
    """libjxl's flower_small.cmyk.jpg had been kept over the RGB PNG (it won on the JPEG's camera
    EXIF); no camera writes CMYK (the mutant: no mode check keeps it first)."""
    cmyk = tmp_path / "print.jpg"
    Image.open(family["master"]).convert("CMYK").save(cmyk, quality=95)
    members = [_record(cmyk), _record(family["master"])]
    assert mark_made_from_jpeg(members)
    assert members[0]["conversion"].startswith("a CMYK JPEG")
    assert KeeperRanking().best_first(members)[0]["path"] == str(family["master"])
