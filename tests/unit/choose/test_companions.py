import hashlib

import pytest
from support.deletion_helpers import member

from photo_dedup.choose.kept_together import attach_companions
from photo_dedup.choose.verdicts import VerdictRules, decide, settle
from photo_dedup.fingerprint.decode import estimate_jpeg_quality
from photo_dedup.shapes import Group, Photo


def group_of(*members: tuple[str, str], relation: str = "copy") -> Group:
    """One group of (path, format) members, verdicts not yet given; the first member is its keeper."""
    made = [
        member(path=path, format=fmt, size=1, digest=f"d{n}", relation=relation, match="keeper" if n == 0 else "")
        for n, (path, fmt) in enumerate(members)
    ]
    photos = [Photo(path=path, format=fmt, size=1, embedded_video=0) for path, fmt in members]
    return Group("g1", relation, "the keeper's reason", made, photos=photos)


def kept(group: Group, **rules) -> list[bool]:
    decide([group], VerdictRules(**rules))
    return [m["keep"] for m in group.members]


def test_raw_and_jpeg_of_one_shot_are_both_kept_by_default():
    members = ("/c/IMG_1.CR2", "RAW"), ("/c/IMG_1.JPG", "JPEG"), ("/t/IMG_1.jpg", "JPEG")
    assert kept(group_of(*members)) == [True, True, False]
    assert kept(group_of(*members), raw_jpeg_pairs="treat_as_copies") == [True, False, False]
    with pytest.raises(ValueError, match="raw_jpeg_pairs must be one of"):
        kept(group_of(*members), raw_jpeg_pairs="keep_some")


def test_a_camera_raw_is_never_removed_for_a_rendering_of_it_elsewhere():
    """A JPEG rendered from the RAW and upscaled 2x (EXIF copied) wins the keeper on pixels; the RAW,
    in another folder, stays (the mutant: only same-folder, same-name pairs kept)."""
    group = group_of(("/export/big.jpg", "JPEG"), ("/RAW/IMG_1.KDC", "RAW"), ("/t/x.jpg", "JPEG"))
    assert kept(group) == [True, True, False]
    assert group.members[1]["reason"].startswith("kept: a camera RAW, never removed")
    assert group.members[2]["reason"] == "duplicate of the kept photo"
    assert group.keeper["reason"] == "the keeper's reason"
    assert kept(group_of(*(("/export/big.jpg", "JPEG"), ("/RAW/IMG_1.KDC", "RAW")))) == [True, True]
    assert kept(group_of(("/export/big.jpg", "JPEG"), ("/RAW/IMG_1.KDC", "RAW")), raw_jpeg_pairs="treat_as_copies") == [
        True,
        False,
    ]


def test_the_first_rule_that_speaks_decides_in_the_stated_order():
    """A member a "keep all" decision covers stays for that decision, not for the RAW+JPEG rule that
    would keep it too (mutant: the rules tried in another order); the rest of a decided review group
    goes as another shot, an undecided one stays whole."""
    group = group_of(("/c/IMG_1.JPG", "JPEG"), ("/c/IMG_1.CR2", "RAW"), ("/t/IMG_1 copy.jpg", "JPEG"))
    assert kept(group, keep_all=[frozenset({"d0", "d1", "d2"})]) == [True, True, True]
    assert {m["reason"] for m in group.others} == {"kept: you chose keep all for this group"}
    decided = group_of(("/a.jpg", "JPEG"), ("/b.jpg", "JPEG"), relation="edit")
    assert kept(decided) == [True, False] and decided.members[1]["reason"] == "you chose another photo of this shot"
    undecided = group_of(("/a.jpg", "JPEG"), ("/b.jpg", "JPEG"), relation="edit")
    undecided.keep_all = True
    assert kept(undecided) == [True, True] and undecided.members[1]["reason"] == "the keeper's reason"


def test_a_video_goes_with_a_removed_photo_only_if_no_staying_photo_uses_it(tmp_path):
    video = tmp_path / "IMG_1.MOV"
    video.write_bytes(b"video")
    removed, kept = str(tmp_path / "IMG_1.HEIC"), str(tmp_path / "IMG_1.JPG")
    group = group_of(("/k.heic", "HEIF"), (removed, "HEIF"))
    group.members[1]["keep"] = False
    attach_companions([group], {removed: [["video", str(video)]]})
    copy = group.members[1]
    assert copy["companions"] == str(video) and copy["companion_size"] == 5
    assert copy["companion_files"][0]["kind"] == "video"
    attach_companions([group], {removed: [["video", str(video)]], kept: [["video", str(video)]]})
    assert group.members[1]["companions"] == ""


def test_jpeg_quality_is_estimated_from_the_quantisation_tables(photos, tmp_path):
    from PIL import Image

    for quality in (60, 75, 90, 95):
        path = tmp_path / f"q{quality}.jpg"
        photos["astronaut"].save(path, quality=quality)
        with Image.open(path) as im:
            assert abs(estimate_jpeg_quality(im.quantization) - quality) <= 1
    assert estimate_jpeg_quality(None) is None


def test_keep_all_keeps_every_member_the_decision_covers():
    group = group_of(("/a/IMG_1.jpg", "JPEG"), ("/b/IMG_1.jpg", "JPEG"), ("/c/IMG_1.jpg", "JPEG"))
    assert kept(group, keep_all=[frozenset({"d0", "d1"})]) == [True, True, False]
    assert group.members[1]["reason"] == "kept: you chose keep all for this group"


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
    group = group_of(("/k.jpg", "JPEG"), (asset, "JPEG"), (loose, "JPEG"))
    for copy in group.others:
        copy["keep"] = False
    companions = {asset: [["video", str(video)]], loose: [["video", str(video)]]}
    attach_companions([group], companions)
    assert group.members[2]["companions"] == str(video)  # without the asset known
    attach_companions([group], companions, staying=frozenset({asset}))
    assert group.members[1]["companions"] == "" and group.members[2]["companions"] == ""


def test_a_copy_with_its_live_photo_video_is_never_removed_for_one_without():
    """The hostile try: IMG_2682.HEIC beside its IMG_2682.MOV and a byte copy elsewhere without one;
    the copy was kept on the shortest path and the Live Photo moved to quarantine with its video.
    Mutants: live_photo_kept never speaking (the first assert), or ignoring the keeper's own video
    (the last)."""
    members = ("/B/IMG_1.HEIC", "HEIF"), ("/2019/IMG_1.HEIC", "HEIF"), ("/t/IMG_1.HEIC", "HEIF")
    companions = {"/2019/IMG_1.HEIC": [["video", "/2019/IMG_1.MOV"]]}
    group = group_of(*members)
    assert kept(group, companions=companions) == [True, True, False]
    assert group.members[1]["reason"].startswith("kept: its Live Photo video")
    companions["/B/IMG_1.HEIC"] = [["video", "/B/IMG_1.MOV"]]  # the keeper has its own: a copy goes
    assert kept(group_of(*members), companions=companions) == [True, False, False]


def test_a_loose_copy_the_photos_rules_keep_moves_none_of_its_files(tmp_path):
    """The verdicts come before the files that go with them: a loose copy kept because its other copy is
    a file inside a Photos library that Photos does not track keeps its Takeout JSON beside it (mutant:
    the companions attached before the Photos rules spoke, as they were)."""
    video = tmp_path / "IMG_1.JPG.json"
    video.write_bytes(b"{}")
    loose = str(tmp_path / "IMG_1.JPG")
    group = group_of(("/p/L.photoslibrary/originals/A/IMG_1.jpeg", "JPEG"), (loose, "JPEG"))
    companions = {loose: [["takeout", str(video)]]}
    settle([group], VerdictRules(companions=companions))
    copy = group.members[1]
    assert copy["keep"] and copy["reason"] == "kept: its other copy is a file Photos does not track"
    assert copy["companion_files"] == [] and copy["companions"] == ""
    removed = group_of(("/k/IMG_1.jpeg", "JPEG"), (loose, "JPEG"))  # a loose keeper: the copy and video go
    settle([removed], VerdictRules(companions=companions))
    assert removed.members[1]["companions"] == str(video)
