"""A photo is vouched for only by its main image, whole (issue #19, "Never lose a photo").

A HEIC cut short in its grid tiles decodes without any error (libheif paints the missing tiles), and
a DNG cut short in its sensor data still shows its preview: both must be unreadable, so that they
are never kept over, nor the reason to remove, an intact copy. Real files, real decoders.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photo_dedup.choose.keeper import KeeperRanking
from photo_dedup.demo import variants
from photo_dedup.fingerprint import decode, integrity
from photo_dedup.fingerprint.decode import UnreadablePhoto, decode_photo

LIMIT = 250_000_000
SHARED = Path(__file__).resolve().parents[4] / "shared" / "photos"
PHONE_HEIC = SHARED / "heic" / "IMG_2682.heic"  # an iPhone photo: a grid of 8x6 tiles of 512x512


def cut(path: Path, fraction: float, out: Path) -> Path:
    data = path.read_bytes()
    out.write_bytes(data[: int(len(data) * fraction)])
    return out


@pytest.fixture
def grid_heic(photos, tmp_path) -> Path:
    """A HEIC stored as a phone stores it: a grid of 512x512 tiles (here 3x3)."""
    path = tmp_path / "grid.heic"
    photos["astronaut"].resize((1500, 1100)).save(path, quality=90, tile_size=512)
    return path


def test_a_generated_grid_heic_is_a_grid_and_decodes_whole(grid_heic):
    with Image.open(grid_heic) as im:
        assert im.info["tiling"]["num_columns"] == 3
    decoded = decode_photo(str(grid_heic), 256, LIMIT)
    assert (decoded.format, decoded.width, decoded.height) == ("HEIF", 1500, 1100)


@pytest.mark.parametrize("fraction", [0.999, 0.99, 0.9, 0.6])
def test_a_grid_heic_cut_short_is_unreadable_though_libheif_decodes_it(grid_heic, tmp_path, fraction):
    short = cut(grid_heic, fraction, tmp_path / "short.heic")
    with Image.open(short) as im:  # the premise: libheif itself says nothing, and paints the last tile
        im.load()
        corner = np.asarray(im)[-1, -1]
    assert corner.tolist() == [0, 136, 0]
    with pytest.raises(UnreadablePhoto) as error:
        decode_photo(str(short), 256, LIMIT)
    whole, kept = grid_heic.stat().st_size, short.stat().st_size
    assert str(error.value) == (
        f"truncated HEIC: the main image's data ends past the end of the file ({kept} of {whole} bytes)"
    )


def test_a_single_image_heic_cut_short_is_unreadable_with_the_same_reason(photos, tmp_path):
    path = variants.converted(photos["coffee"], tmp_path / "single.heic")  # pillow-heif: one coded image
    with Image.open(path) as im:
        assert "tiling" not in im.info
    short = cut(path, 0.99, tmp_path / "short.heic")
    with pytest.raises(UnreadablePhoto, match=r"^truncated HEIC: the main image's data ends past the end"):
        decode_photo(str(short), 256, LIMIT)


def test_a_heic_cut_anywhere_is_cut_short_though_its_main_image_is_whole(grid_heic, tmp_path):
    """A thumbnail (or another image) stored after the tiles and cut off: the main image decodes, but
    the file is cut short, and a cut copy must never be kept over the whole one (the hostile try:
    pillow_heif's truncated.heic read as a photo; a cut copy kept by a preferred folder). Mutant:
    only the main image's items checked."""
    with_thumbnail = tmp_path / "thumb.heic"
    with Image.open(grid_heic) as im:
        im.save(with_thumbnail, quality=90, thumbnails=[128])
    needed, items_end, size = integrity.heif_needed_end(str(with_thumbnail))
    assert needed < size and items_end == size
    assert decode_photo(str(with_thumbnail), 256, LIMIT).width == 1500
    short = tmp_path / "short.heic"
    short.write_bytes(with_thumbnail.read_bytes()[:needed])
    with pytest.raises(UnreadablePhoto, match="^truncated HEIC: another image or item of the file ends past its end"):
        decode_photo(str(short), 256, LIMIT)
    short.write_bytes(with_thumbnail.read_bytes()[: needed - 1])
    with pytest.raises(UnreadablePhoto, match="^truncated HEIC: the main image's data ends past the end"):
        decode_photo(str(short), 256, LIMIT)


def test_a_heic_whose_item_table_is_cut_off_is_refused_by_the_check(grid_heic, tmp_path):
    short = cut(grid_heic, 0.001, tmp_path / "short.heic")  # 657 bytes: inside the meta box
    with pytest.raises(integrity.MissingData) as error:
        integrity.check_heif(str(short))
    assert error.value.reason("HEIC").startswith("truncated HEIC: its item table ends past the end of the file")


@pytest.mark.skipif(not PHONE_HEIC.exists(), reason="needs ../shared/photos (real phone HEICs)")
def test_a_real_phone_heic_cut_short_is_unreadable_and_the_intact_ones_decode(tmp_path):
    for path in sorted((SHARED / "heic").iterdir()):  # no intact real HEIC is refused
        assert decode_photo(str(path), 256, LIMIT).format == "HEIF", path.name
    for fraction in (0.99, 0.5):
        short = cut(PHONE_HEIC, fraction, tmp_path / "short.heic")
        with pytest.raises(UnreadablePhoto, match="^truncated HEIC: the main image's data ends past the end"):
            decode_photo(str(short), 256, LIMIT)


@pytest.fixture
def dng_with_preview(photos, tmp_path) -> Path:
    """A DNG as many cameras write one: a full-size preview first, the sensor data after it."""
    return variants.camera_raw(photos["chelsea"], tmp_path / "IMG_0003.DNG", preview=True)


def test_an_intact_dng_still_uses_its_preview(dng_with_preview):
    assert decode_photo(str(dng_with_preview), 256, LIMIT).decoder == "raw-preview"


@pytest.mark.parametrize("fraction", [0.62, 0.8, 0.99])
def test_a_dng_cut_short_is_unreadable_though_its_preview_is_whole(dng_with_preview, tmp_path, fraction):
    short = cut(dng_with_preview, fraction, tmp_path / "IMG_0003.DNG")
    with pytest.raises(UnreadablePhoto, match="^truncated camera RAW: its image data ends past the end of the file"):
        decode_photo(str(short), 256, LIMIT)


@pytest.mark.parametrize("fraction", [0.62, 0.99])
def test_libraw_unpacking_alone_refuses_a_cut_dng(dng_with_preview, tmp_path, monkeypatch, fraction):
    """The second defence, on its own: the sensor data must unpack before the preview is trusted."""
    short = cut(dng_with_preview, fraction, tmp_path / "IMG_0003.DNG")
    monkeypatch.setattr(decode, "check_tiff", lambda path: None)
    with pytest.raises(UnreadablePhoto, match="^truncated or damaged camera RAW: LibRaw cannot unpack its sensor data"):
        decode_photo(str(short), 256, LIMIT)


def test_a_dng_whose_directories_are_cut_off_is_unreadable(dng_with_preview, tmp_path):
    short = cut(dng_with_preview, 0.3, tmp_path / "IMG_0003.DNG")
    with pytest.raises(UnreadablePhoto, match="camera RAW"):
        decode_photo(str(short), 256, LIMIT)


def test_the_tiff_layout_of_an_intact_dng_ends_at_its_sensor_data(photos, tmp_path):
    path = variants.camera_raw(photos["coffee"], tmp_path / "IMG_0004.DNG")
    needed = integrity.tiff_needed_end(str(path))
    assert needed is not None and needed[0] <= needed[1]
    assert integrity.tiff_needed_end(str(variants.converted(photos["coffee"], tmp_path / "x.heic"))) is None


@pytest.mark.skipif(not (SHARED / "raw").exists(), reason="needs ../shared/photos (a real camera RAW)")
def test_a_real_camera_raw_unpacks_and_its_cut_copy_does_not(tmp_path):
    (path,) = (SHARED / "raw").iterdir()
    assert decode_photo(str(path), 256, LIMIT).format == "RAW"
    with pytest.raises(UnreadablePhoto, match="camera RAW"):
        decode_photo(str(cut(path, 0.9, tmp_path / "cut.KDC")), 256, LIMIT)


def test_bytes_per_pixel_are_compared_unrounded():
    """Two same-size PNGs whose bytes per pixel agree to 3 decimals: the larger one still wins."""
    ranking = KeeperRanking()
    common = {"width": 4000, "height": 3000, "format": "PNG"}
    smaller = {"path": "/a/x.png", "digest": "a", "size": 24_000_000, **common}
    larger = {"path": "/b/x.png", "digest": "b", "size": 24_001_000, **common}  # 2.0000 vs 2.0003
    assert ranking.best_first([smaller, larger])[0] is larger
    assert ranking.reason(larger, smaller) == "more bytes per pixel (2.0001 vs 2.0000)"  # places enough to tell


@pytest.mark.e2e
def test_the_workflow_keeps_intact_copies_over_cut_ones(photos, tmp_path):
    """End to end: a cut HEIC beside its intact copy, a cut DNG beside the shot's JPEG, an animation
    beside its first frame. The cut files are unreadable and in no group; nothing but a true copy is
    to be removed."""
    from support.workflow_runner import snakemake

    root = tmp_path / "library"
    (root / "Phone").mkdir(parents=True)
    astronaut = photos["astronaut"].resize((1200, 1200))
    jpeg = variants.save_original(astronaut, root / "Masters" / "astronaut.jpg")
    heic = root / "Phone" / "astronaut.heic"
    astronaut.save(heic, quality=90, tile_size=512)
    cut_heic = cut(heic, 0.99, root / "Phone" / "a.heic")  # the shorter path: it would win the tie
    shot = variants.save_original(photos["chelsea"], root / "Camera" / "IMG_0005.JPG")
    cut_dng = cut(
        variants.camera_raw(photos["chelsea"], tmp_path / "IMG_0005.DNG", preview=True),
        0.8,
        root / "Camera" / "IMG_0005.DNG",
    )
    still = variants.converted(photos["coffee"], root / "Anim" / "coffee.png")
    frames = [photos["coffee"].rotate(5 * n) for n in range(4)]
    frames[0].save(root / "Anim" / "coffee.gif", save_all=True, append_images=frames[1:], duration=100)
    workdir = tmp_path / "work"
    result = snakemake(workdir, "--config", f"library={root}")
    assert result.returncode == 0, result.stdout + result.stderr
    import pandas as pd

    unreadable = pd.read_csv(workdir / "results" / "unreadable.csv", keep_default_na=False)
    reasons = dict(zip(unreadable["path"], unreadable["reason"], strict=True))
    assert set(reasons) == {str(cut_heic), str(cut_dng)}
    assert reasons[str(cut_heic)].startswith("truncated HEIC: the main image's data ends past the end of the file")
    assert reasons[str(cut_dng)].startswith("truncated camera RAW")
    rows = pd.read_csv(workdir / "results" / "groups.csv", keep_default_na=False)
    copies = rows[rows["relation"] == "copy"]
    assert set(copies["path"]) == {str(jpeg), str(heic)}
    assert set(rows[~rows["keep"]]["path"]) <= {str(jpeg), str(heic)}
    edits = rows[rows["relation"] == "edit"]
    assert {str(still), str(root / "Anim" / "coffee.gif")} <= set(edits["path"])
    assert str(shot) not in set(rows["path"])
