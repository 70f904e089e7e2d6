import hashlib

import pandas as pd

from photo_dedup.choose.kept_together import attach_companions, keep_live_photos, keep_raw_jpeg_pairs
from photo_dedup.fingerprint.decode import estimate_jpeg_quality


def rows_of(*members: tuple[str, str, bool]) -> pd.DataFrame:
    """Rows of one group; the first member is its keeper."""
    return pd.DataFrame(
        [
            {
                "group_id": "g1",
                "path": path,
                "format": fmt,
                "keep": keep,
                "reason": "",
                "size": 1,
                "match": "keeper" if number == 0 else "looks the same",
                "relation": "copy",
            }  # fmt: skip
            for number, (path, fmt, keep) in enumerate(members)
        ]
    )


def test_raw_and_jpeg_of_one_shot_are_both_kept_by_default():
    rows = rows_of(("/c/IMG_1.CR2", "RAW", True), ("/c/IMG_1.JPG", "JPEG", False), ("/t/IMG_1.jpg", "JPEG", False))
    kept = keep_raw_jpeg_pairs(rows, "keep_both")
    assert list(kept["keep"]) == [True, True, False]
    assert list(keep_raw_jpeg_pairs(rows, "treat_as_copies")["keep"]) == [True, False, False]


def test_a_camera_raw_is_never_removed_for_a_rendering_of_it_elsewhere():
    """A JPEG rendered from the RAW and upscaled 2x (EXIF copied) wins the keeper on pixels; the RAW,
    in another folder, stays (the mutant: only same-folder, same-name pairs kept)."""
    rows = rows_of(("/export/big.jpg", "JPEG", True), ("/RAW/IMG_1.KDC", "RAW", False), ("/t/x.jpg", "JPEG", False))
    kept = keep_raw_jpeg_pairs(rows, "keep_both")
    assert list(kept["keep"]) == [True, True, False]
    assert kept["reason"][1].startswith("kept: a camera RAW, never removed")
    assert list(keep_raw_jpeg_pairs(rows, "treat_as_copies")["keep"]) == [True, False, False]


def test_the_pair_is_found_when_a_keep_all_decision_keeps_another_member_too():
    rows = rows_of(("/c/IMG_1.JPG", "JPEG", True), ("/t/IMG_1 copy.jpg", "JPEG", True), ("/c/IMG_1.CR2", "RAW", False))
    assert list(keep_raw_jpeg_pairs(rows, "keep_both")["keep"]) == [True, True, True]


def test_a_video_goes_with_a_removed_photo_only_if_no_staying_photo_uses_it(tmp_path):
    video = tmp_path / "IMG_1.MOV"
    video.write_bytes(b"video")
    removed, kept = str(tmp_path / "IMG_1.HEIC"), str(tmp_path / "IMG_1.JPG")
    rows = rows_of(("/k.heic", "HEIF", True), (removed, "HEIF", False))
    attached = attach_companions(rows, {removed: [["video", str(video)]]})
    assert attached.loc[1, "companions"] == str(video) and attached.loc[1, "companion_size"] == 5
    assert attached.loc[1, "companion_files"][0]["kind"] == "video"
    shared = attach_companions(rows, {removed: [["video", str(video)]], kept: [["video", str(video)]]})
    assert shared.loc[1, "companions"] == ""


def test_jpeg_quality_is_estimated_from_the_quantisation_tables(photos, tmp_path):
    from PIL import Image

    for quality in (60, 75, 90, 95):
        path = tmp_path / f"q{quality}.jpg"
        photos["astronaut"].save(path, quality=quality)
        with Image.open(path) as im:
            assert abs(estimate_jpeg_quality(im.quantization) - quality) <= 1
    assert estimate_jpeg_quality(None) is None


def test_keep_all_keeps_every_member_the_decision_covers():
    from photo_dedup.choose.kept_together import keep_all_decided

    rows = rows_of(("/a/IMG_1.jpg", "JPEG", True), ("/b/IMG_1.jpg", "JPEG", False), ("/c/IMG_1.jpg", "JPEG", False))
    rows["digest"] = ["k", "d1", "d2"]
    kept = keep_all_decided(rows, [frozenset({"k", "d1"})])
    assert list(kept["keep"]) == [True, True, False]
    assert kept.loc[1, "reason"] == "kept: you chose keep all for this group"


def test_companion_digests_are_remembered_until_the_file_changes(tmp_path, monkeypatch):
    import os

    from photo_dedup.cache import digests
    from photo_dedup.cache.digests import DigestCache

    video, cache = tmp_path / "IMG_1.MOV", tmp_path / "cache" / "companion-digests.json"
    video.write_bytes(b"video")
    first = DigestCache(cache).size_and_digest
    assert first(str(video)) == (5, hashlib.sha256(b"video").hexdigest())
    DigestCache(cache).save()  # nothing new: no write
    assert not cache.exists()
    remembered = DigestCache(cache)
    remembered.size_and_digest(str(video))
    remembered.save()
    read = []
    monkeypatch.setattr(digests, "file_digest", lambda path: read.append(path) or "recomputed")
    assert DigestCache(cache).size_and_digest(str(video))[1] == hashlib.sha256(b"video").hexdigest() and not read
    video.write_bytes(b"VIDEO")  # same size, new content and mtime
    os.utime(video, ns=(1, 1))
    assert DigestCache(cache).size_and_digest(str(video))[1] == "recomputed" and read == [str(video)]
    cache.write_text("{damaged")
    assert DigestCache(cache).size_and_digest(str(video))[1] == "recomputed"


def test_a_video_shared_with_an_apple_photos_asset_stays_with_the_asset(tmp_path):
    """A referenced Photos original (outside its bundle) and a loose copy beside it share a video:
    the asset's row may read "removed" (Photos removes it, not the file script), so the video stays."""
    video = tmp_path / "IMG_1.MOV"
    video.write_bytes(b"video")
    asset, loose = str(tmp_path / "IMG_1.JPG"), str(tmp_path / "IMG_1 (1).JPG")
    rows = rows_of(("/k.jpg", "JPEG", True), (asset, "JPEG", False), (loose, "JPEG", False))
    companions = {asset: [["video", str(video)]], loose: [["video", str(video)]]}
    assert attach_companions(rows, companions).loc[2, "companions"] == str(video)  # without the asset known
    attached = attach_companions(rows, companions, staying=frozenset({asset}))
    assert attached.loc[1, "companions"] == "" and attached.loc[2, "companions"] == ""


def test_a_copy_with_its_live_photo_video_is_never_removed_for_one_without():
    """The hostile try: IMG_2682.HEIC beside its IMG_2682.MOV and a byte copy elsewhere without one;
    the copy was kept on the shortest path and the Live Photo moved to quarantine with its video.
    Mutants: keep_live_photos returning the rows unchanged (the first assert), or ignoring the
    keeper's own video (the last)."""
    rows = rows_of(
        ("/B/IMG_1.HEIC", "HEIF", True), ("/2019/IMG_1.HEIC", "HEIF", False), ("/t/IMG_1.HEIC", "HEIF", False)
    )
    companions = {"/2019/IMG_1.HEIC": [["video", "/2019/IMG_1.MOV"]]}
    kept = keep_live_photos(rows, companions)
    assert list(kept["keep"]) == [True, True, False]
    assert kept["reason"][1].startswith("kept: its Live Photo video")
    companions["/B/IMG_1.HEIC"] = [["video", "/B/IMG_1.MOV"]]  # the keeper has its own: a copy goes
    assert list(keep_live_photos(rows, companions)["keep"]) == [True, False, False]
