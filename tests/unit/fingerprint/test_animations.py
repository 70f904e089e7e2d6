"""An animation or a multi-page file is never a copy of one of its frames (issue #19).

Its first frame may be the very photo, but removing the still would not lose it, nor removing the
animation keep it: the frame count is a fingerprinted fact, and a copy must have as many frames.
Real files, written and read by Pillow, through the real fingerprint step and grouping.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PIL import Image, ImageFile

from photo_dedup.choose.grouping import copy_groups
from photo_dedup.choose.keeper import KeeperRanking
from photo_dedup.choose.tiers import EDIT, edit_pairs, review_groups
from photo_dedup.fingerprint.decode import decode_photo
from photo_dedup.fingerprint.heic_thumbnail import THUMBNAIL_DECODER, decode_heic_thumbnail
from photo_dedup.fingerprint.step import fingerprint_photos
from photo_dedup.match.photo_table import load_photo_table
from photo_dedup.match.verify import MatchThresholds
from photo_dedup.scan.walk import FileEntry

LIMIT = 250_000_000


def later_frames(image: Image.Image, count: int) -> list[Image.Image]:
    """Frames that move on from the photo: each turned a little further."""
    return [image.rotate(4 * (n + 1), resample=Image.Resampling.BILINEAR) for n in range(count)]


def animation(image: Image.Image, path: Path, frames: int = 4, duration: int = 100) -> Path:
    """The photo as the first frame of an animation (GIF, WebP, APNG) or the first page of a TIFF."""
    rest = later_frames(image, frames - 1)
    extra = {} if path.suffix == ".tif" else {"duration": duration, "loop": 0}
    image.save(path, save_all=True, append_images=rest, **extra)
    return path


@pytest.mark.parametrize("suffix", [".gif", ".webp", ".png", ".tif", ".avif"])
def test_the_frame_count_is_read_and_only_the_first_frame_decoded(photos, tmp_path, suffix):
    still = photos["chelsea"]
    decoded = decode_photo(str(animation(still, tmp_path / f"a{suffix}", frames=5)), 256, LIMIT)
    assert decoded.frames == 5
    assert (decoded.width, decoded.height) == still.size
    first = decode_photo(str(animation(still, tmp_path / f"one{suffix}", frames=1)), 256, LIMIT)
    assert first.frames == 1
    assert abs(decoded.image.convert("L").getextrema()[1] - first.image.convert("L").getextrema()[1]) <= 8


def test_a_jpeg_and_a_heic_are_one_frame(photos, tmp_path):
    for name in ("x.jpg", "x.heic"):
        path = tmp_path / name
        photos["coffee"].save(path, quality=90)
        assert decode_photo(str(path), 256, LIMIT).frames == 1


def test_a_heic_of_two_pictures_is_no_copy_of_its_main_one(photos, tmp_path):
    """The hostile try: a HEIC holding a second picture was removed as a copy of a HEIC of its main
    image alone, and the second picture went to quarantine (mutant: HEIF left out of the formats whose
    images count, or the thumbnail stage's frames left at 1)."""
    first, second = photos["astronaut"].resize((512, 512)), photos["coffee"].resize((512, 512))
    two = tmp_path / "two.heic"
    first.save(two, quality=90, save_all=True, append_images=[second])
    one = tmp_path / "one.heic"
    first.save(one, quality=95)
    assert decode_photo(str(two), 256, LIMIT).frames == 2 and decode_photo(str(one), 256, LIMIT).frames == 1
    thumbnailed = tmp_path / "two-thumbnailed.heic"  # as the thumbnail stage takes it
    big = [picture.resize((1024, 1024)) for picture in (first, second)]
    big[0].save(thumbnailed, quality=90, thumbnails=[320], save_all=True, append_images=big[1:])
    decoded = decode_heic_thumbnail(str(thumbnailed), 256, LIMIT)
    assert decoded is not None and decoded.decoder == THUMBNAIL_DECODER and decoded.frames == 2
    table = sidecar_table([two, one], tmp_path)
    groups, _ = copy_groups(table, MatchThresholds(), KeeperRanking())
    assert groups == []


def test_an_animated_avif_is_no_copy_of_a_still_of_its_first_frame(photos, tmp_path):
    """The hostile try: a 3-frame AVIF was removed as a duplicate of a JPEG of its first frame."""
    still = photos["astronaut"].resize((512, 512))
    still.save(tmp_path / "still.jpg", quality=95)
    animation(still, tmp_path / "anim.avif", frames=3)
    table = sidecar_table([tmp_path / "still.jpg", tmp_path / "anim.avif"], tmp_path)
    groups, _ = copy_groups(table, MatchThresholds(), KeeperRanking())
    assert groups == []


def many_frames(image: Image.Image, path: Path, count: int) -> Path:
    """`count` frames, each differing from the last by one pixel (so no writer merges two)."""
    small = image.resize((160, 106))
    if path.suffix == ".gif":
        small = small.quantize(255)
    frames = []
    for n in range(count):
        frame = small.copy()
        xy = (n % 160, n // 160)
        frame.putpixel(xy, 255 if frame.mode == "P" else tuple(255 - v for v in frame.getpixel(xy)))
        frames.append(frame)
    frames[0].save(
        path, save_all=True, append_images=frames[1:], duration=40, **({"method": 0} if path.suffix == ".webp" else {})
    )
    return path


@pytest.mark.parametrize("suffix", [".gif", ".webp"])
def test_a_thousand_frames_are_counted_not_decoded(photos, tmp_path, monkeypatch, suffix):
    path = many_frames(photos["astronaut"], tmp_path / f"long{suffix}", 1000)
    loads = []
    real_load = ImageFile.ImageFile.load

    def counting_load(self):
        loads.append(self.tell())
        return real_load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", counting_load)
    started = time.perf_counter()
    decoded = decode_photo(str(path), 256, LIMIT)
    seconds = time.perf_counter() - started
    assert decoded.frames == 1000
    assert set(loads) == {0}, "only the first frame is decoded"
    assert seconds < 2.0


def sidecar_table(paths: list[Path], tmp_path: Path):
    entries = [FileEntry(str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in paths]
    chunk = tmp_path / "chunks" / "c00001.jsonl"
    fingerprint_photos(entries, chunk, tmp_path / "cache", LIMIT)
    table, unreadable = load_photo_table([chunk])
    assert unreadable.empty
    return table


def test_an_animation_is_no_copy_of_its_first_frame_but_is_a_copy_of_its_byte_copy(photos, tmp_path):
    still = photos["astronaut"].resize((512, 512))
    library = tmp_path / "library"
    library.mkdir()
    paths = {
        "still.jpg": library / "still.jpg",
        "still.png": library / "still.png",
        "pages.tif": library / "pages.tif",
    }
    still.save(paths["still.jpg"], quality=92)
    still.save(paths["still.png"])
    animation(still, paths["pages.tif"], frames=3)
    paths["anim.gif"] = animation(still, library / "anim.gif")
    paths["anim-copy.gif"] = library / "anim-copy.gif"
    paths["anim-copy.gif"].write_bytes(paths["anim.gif"].read_bytes())
    # only first frames are compared: another animation with that first frame may differ after it
    paths["anim-slow.gif"] = animation(still, library / "anim-slow.gif", duration=300)
    table = sidecar_table(list(paths.values()), tmp_path)
    frames = dict(zip(table.photos["path"], table.photos["frames"], strict=True))
    assert frames == {
        str(paths["still.jpg"]): 1,
        str(paths["still.png"]): 1,
        str(paths["pages.tif"]): 3,
        str(paths["anim.gif"]): 4,
        str(paths["anim-copy.gif"]): 4,
        str(paths["anim-slow.gif"]): 4,
    }
    path_of = table.photos["path"].tolist()
    ranking = KeeperRanking()
    groups, evidence = copy_groups(table, MatchThresholds(), ranking)
    copies = sorted(sorted(path_of[i] for i in group.members) for group in groups)
    assert copies == [
        sorted([str(paths["anim-copy.gif"]), str(paths["anim.gif"])]),
        sorted([str(paths["still.jpg"]), str(paths["still.png"])]),
    ]
    # shown beside the still as an edit of one shot: kept, and nothing else removed for it
    edits = review_groups(table, edit_pairs(table, evidence, groups), groups, ranking, EDIT)
    assert edits and all(group.keep_all for group in edits)
    shown = {path_of[i] for group in edits for i in group.members}
    assert str(paths["pages.tif"]) in shown and str(paths["anim-slow.gif"]) in shown


def test_without_frame_counts_the_first_frame_alone_would_make_a_copy(photos, tmp_path):
    """The premise of the test above: the animation's first frame does look the same as the still."""
    still = photos["astronaut"].resize((512, 512))
    still.save(tmp_path / "still.png")
    animation(still, tmp_path / "anim.gif")
    table = sidecar_table([tmp_path / "still.png", tmp_path / "anim.gif"], tmp_path)
    table.photos["frames"] = 1
    groups, _ = copy_groups(table, MatchThresholds(), KeeperRanking())
    assert len(groups) == 1 and len(groups[0].members) == 2
