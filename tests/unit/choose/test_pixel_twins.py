"""Files of one picture, pixel for pixel: the one that holds most is kept, and a motion photo's
video is never removed for a copy without it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image
from skimage import data
from support.file_records import file_record as _record
from support.signature_table import table_of

from photo_dedup.choose.grouping import copy_groups
from photo_dedup.choose.keeper import KeeperRanking, mark_conversions
from photo_dedup.choose.kept_together import MOTION_PHOTO_KEPT
from photo_dedup.choose.pixel_twins import mark_pixel_twins
from photo_dedup.choose.verdicts import VerdictRules, decided_groups
from photo_dedup.fingerprint.motion_photos import MIN_VIDEO_BYTES, AppendedVideo, embedded_video_bytes
from photo_dedup.match.verify import MatchThresholds
from photo_dedup.shapes import Photo


def _keeper(records: list[Photo]) -> Photo:
    ranking = KeeperRanking()
    ordered = ranking.best_first(records)
    while mark_pixel_twins(ordered):
        ordered = ranking.best_first(records)
    return ranking.best_first(records)[0]


def _mp4(video_bytes: int) -> bytes:
    """An ISO media file's first boxes: ftyp (brand mp42), then an mdat of `video_bytes` in all."""
    ftyp = (24).to_bytes(4, "big") + b"ftypmp42" + b"\0\0\0\0" + b"isommp42"
    mdat = (video_bytes - len(ftyp)).to_bytes(4, "big") + b"mdat"
    return ftyp + mdat + bytes(video_bytes - len(ftyp) - len(mdat))


def test_of_a_png_and_a_tiff_of_one_picture_the_smaller_file_is_kept(tmp_path: Path) -> None:
    """The format rule ranks TIFF above PNG: libvips' sample.tif (uncompressed) had been kept over
    sample.png of the same pixels. Mutant: mark_pixel_twins never marking -> the TIFF is kept."""
    picture = Image.fromarray(data.astronaut()[:200, :240])
    png, tiff = tmp_path / "scan.png", tmp_path / "scan.tif"
    picture.save(png)
    picture.save(tiff)  # uncompressed
    recompressed = tmp_path / "scan.jpg"
    picture.save(recompressed, quality=90)
    records = [_record(tiff), _record(recompressed), _record(png)]
    kept = _keeper(records)
    assert kept["path"] == str(png)
    assert KeeperRanking().reason(kept, records[0]).startswith("the same pixels as scan.tif, in a smaller file")


def test_pixels_that_differ_by_one_level_are_no_twins(tmp_path: Path) -> None:
    """Mutant: same_pixels comparing with a tolerance -> the PNG of other pixels wins over the TIFF."""
    pixels = data.astronaut()[:200, :240].copy()
    tiff, png = tmp_path / "scan.tif", tmp_path / "edit.png"
    Image.fromarray(pixels).save(tiff)
    pixels[100, 100, 0] ^= 1
    Image.fromarray(pixels).save(png)
    assert _keeper([_record(tiff), _record(png)])["path"] == str(tiff)


def _with_exif(jpeg: bytes) -> bytes:
    """The very JPEG data with an EXIF segment (camera and software) after its start marker."""
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0131] = "Camera Maker", "Model 1", "Editor 2"
    payload = b"Exif\0\0" + exif.tobytes()
    return jpeg[:2] + b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload + jpeg[2:]


def test_of_one_jpeg_under_two_headers_the_one_with_metadata_is_kept(tmp_path: Path) -> None:
    """CATYELLOW.jpg and cat_yellow_grey.jpg hold one JPEG's data; the larger file of the two, kept
    here, holds the camera's EXIF. Mutant: _holds leaving out the metadata -> the smaller one wins."""
    bare = tmp_path / "bare.jpg"
    Image.fromarray(data.astronaut()[:160, :160]).save(bare, quality=85)
    tagged = tmp_path / "tagged.jpg"
    tagged.write_bytes(_with_exif(bare.read_bytes()))
    records = [_record(bare), _record(tagged, make="Camera Maker", model="Model 1", software="Editor 2")]
    kept = _keeper(records)
    assert kept["path"] == str(tagged)
    assert "more metadata" in KeeperRanking().reason(kept, records[0])


def test_a_motion_photo_is_found_as_its_bytes_are_hashed(tmp_path: Path) -> None:
    """A JPEG with an MP4 appended (Google's and Samsung's motion photos), the video's first box split
    between two blocks of the hash. Mutant: no overlap between blocks -> the video is missed."""
    still = tmp_path / "still.jpg"
    Image.fromarray(data.astronaut()[:64, :64]).save(still)
    video = _mp4(4000)
    motion = tmp_path / "motion.jpg"
    motion.write_bytes(still.read_bytes() + video)
    finder = AppendedVideo()
    whole = motion.read_bytes()
    split = len(still.read_bytes()) + 6  # inside "ftyp"
    finder.feed(whole[:split])
    finder.feed(whole[split:])
    assert finder.video_bytes == len(video)
    assert embedded_video_bytes(str(motion)) == len(video)
    assert embedded_video_bytes(str(still)) == 0
    heif = tmp_path / "photo.heic"
    heif.write_bytes((24).to_bytes(4, "big") + b"ftypheic" + bytes(4) + b"mif1heic" + bytes(5000))
    assert embedded_video_bytes(str(heif)) == 0
    stray = tmp_path / "stray.jpg"  # a "ftyp" in a caption, no box around it
    stray.write_bytes(still.read_bytes() + b"caption: ftyp of the week" + bytes(MIN_VIDEO_BYTES))
    assert embedded_video_bytes(str(stray)) == 0


def test_of_twins_the_motion_photo_is_kept_and_it_is_never_removed_for_a_copy_without_its_video(
    tmp_path: Path,
) -> None:
    """photoprism's image-isom-avc1.jpg is beach_wood.jpg with an MP4 appended. Mutants: _holds
    leaving out the video (the smaller still is kept), and the verdicts removing the motion photo for a
    larger copy without a video."""
    still = tmp_path / "still.jpg"
    Image.fromarray(data.astronaut()[:160, :160]).save(still, quality=85)
    motion = tmp_path / "motion.jpg"
    motion.write_bytes(still.read_bytes() + _mp4(5000))
    records = [_record(still, embedded_video=0), _record(motion, embedded_video=5000)]
    assert _keeper(records)["path"] == str(motion)

    picture = Image.fromarray(data.astronaut())
    images = [picture, picture.resize((256, 256))]
    table = table_of(images, [{"width": 512, "height": 512}, {"width": 256, "height": 256, "embedded_video": 5000}])
    groups, _ = copy_groups(table, MatchThresholds(), KeeperRanking())
    assert len(groups) == 1 and groups[0].keeper == 0  # more pixels
    [decided] = decided_groups(table, groups, VerdictRules())
    motion_member = decided.members[1]
    assert (
        motion_member["path"] == "/lib/1.jpg" and motion_member["keep"] and motion_member["reason"] == MOTION_PHOTO_KEPT
    )


def test_a_motion_photo_goes_only_where_the_keeper_holds_its_video(tmp_path: Path) -> None:
    """The hostile try: of two motion photos of one still, the one with a 20 KB video was removed
    for the one with another, longer video. Mutant: motion_photo_kept asking only whether the
    keeper has a video -> the other video goes."""
    picture = Image.fromarray(data.astronaut())
    video = _mp4(9000)
    keeper, copy = tmp_path / "keeper.jpg", tmp_path / "copy.jpg"
    keeper.write_bytes(b"\xff\xd8 a larger picture" + video)
    facts = [{"width": 512, "height": 512, "path": str(keeper), "size": keeper.stat().st_size}, {}]
    images = [picture, picture.resize((256, 256))]
    for copy_video, kept in ((video[:4000], False), (_mp4(4000), True)):  # cut short, or another video
        copy.write_bytes(b"\xff\xd8 the copy" + copy_video)
        facts[1] = {"width": 256, "height": 256, "path": str(copy), "size": copy.stat().st_size}
        table = table_of(images, facts)
        table.photos["embedded_video"] = [9000, 4000]
        groups, _ = copy_groups(table, MatchThresholds(), KeeperRanking())
        assert groups[0].keeper == 0
        [decided] = decided_groups(table, groups, VerdictRules())
        assert decided.members[1]["path"] == str(copy) and decided.members[1]["keep"] is kept


def test_a_cmyk_jpeg_with_camera_exif_makes_no_other_member_a_conversion(tmp_path: Path) -> None:
    """libjxl's flower_small: the CMYK JPEG alone has camera EXIF (copied), so every other member read
    as "no camera EXIF, while a copy has it", all were conversions, and JPEG quality kept the CMYK one.
    Mutant: _cmyk_beside_others returning nothing -> the RGB JPEGs are marked and the PNG too."""
    picture = Image.fromarray(data.astronaut()[:200, :200])
    png, cmyk, jpeg = tmp_path / "small.rgb.png", tmp_path / "small.cmyk.jpg", tmp_path / "small.q85.jpg"
    picture.save(png)
    picture.convert("CMYK").save(cmyk, quality=92)
    picture.save(jpeg, quality=85)
    records = [_record(cmyk, make="Camera", model="One"), _record(jpeg), _record(png)]
    mark_conversions(records)
    assert records[0]["conversion"].startswith("a CMYK JPEG")
    assert records[1]["conversion"] == "" and records[2]["conversion"] == ""
    assert KeeperRanking().best_first(records)[0]["path"] == str(png)
    assert np.array_equal(np.asarray(Image.open(png)), np.asarray(picture))


def test_of_twins_the_file_holding_more_after_its_picture_is_kept(tmp_path: Path) -> None:
    """The hostile try: a motion photo's copy with its video cut short, and an Ultra HDR JPEG's copy
    without the gain map after its picture, had been kept as "in a smaller file". Mutants: _holds
    counting only whether there is a video (the cut copy wins), or the smaller JPEG first."""
    still = tmp_path / "still.jpg"
    Image.fromarray(data.astronaut()[:160, :160]).save(still, quality=85)
    whole = tmp_path / "motion.jpg"
    whole.write_bytes(still.read_bytes() + _mp4(9000))
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(whole.read_bytes()[: len(still.read_bytes()) + 3000])
    records = [_record(cut, embedded_video=3000), _record(whole, embedded_video=9000)]
    kept = _keeper(records)
    assert kept["path"] == str(whole)
    assert "a longer video" in KeeperRanking().reason(kept, records[0])
    gain_map = tmp_path / "hdr.jpg"  # a second JPEG after the first: what Ultra HDR and MPF files hold
    gain_map.write_bytes(still.read_bytes() + still.read_bytes())
    assert _keeper([_record(still), _record(gain_map)])["path"] == str(gain_map)


def test_of_lossless_twins_the_one_with_a_caption_and_copyright_is_kept(tmp_path: Path) -> None:
    """The hostile try: a bare PNG had been kept over a TIFF of its pixels holding a caption and a
    copyright (the copyright was then lost). Mutant: _holds leaving out the metadata bytes -> the
    smaller PNG wins."""
    picture = Image.fromarray(data.astronaut()[:200, :240])
    png, tiff = tmp_path / "bare.png", tmp_path / "told.tif"
    picture.save(png)
    tags = {270: "the harbour at dawn", 33432: "(c) 2019 A. Photographer"}
    picture.save(tiff, tiffinfo=tags, compression="tiff_deflate")
    kept = _keeper([_record(png), _record(tiff)])
    assert kept["path"] == str(tiff)
