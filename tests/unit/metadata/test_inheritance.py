"""Unit tests of what a kept photo inherits: facts read from real files, agreement, conflicts."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from PIL import Image
from support.deletion_helpers import groups_of_rows

from photo_dedup.apple_photos.duplicates import loose_copy_inheritance, render_applescript
from photo_dedup.metadata.inheritance import agree, inherit, inherits_text, sidecar_of
from photo_dedup.metadata.known_facts import (
    IN_FILE,
    TAKEOUT,
    XMP_SIDECAR,
    Fact,
    TagCache,
    read_with_exiftool,
    tag_facts,
    takeout_facts,
)
from photo_dedup.outputs.deletion_script import xmp_tags
from photo_dedup.outputs.group_tables import GROUP_COLUMNS

needs_exiftool = pytest.mark.skipif(shutil.which("exiftool") is None, reason="needs exiftool")


def fact(field, value, kind=IN_FILE, source="/lib/a.jpg"):
    return Fact(field, value, kind, source)


def test_a_local_time_and_the_same_moment_in_utc_agree_other_times_do_not():
    assert agree("taken", "2020-05-01T14:00:00", "2020-05-01T12:00:00+00:00")  # a time zone apart
    assert agree("taken", "2020-05-01T14:00:00+02:00", "2020-05-01T12:00:00+00:00")  # the same instant
    assert not agree("taken", "2020-05-01T14:00:00+01:00", "2020-05-01T12:00:00+00:00")
    assert not agree("taken", "2020-05-01T14:00:00", "2020-05-01T14:00:01")
    assert not agree("taken", "2020-05-01T14:00:07", "2020-05-01T12:00:00+00:00")  # not whole quarter hours
    assert not agree("taken", "2020-05-01T14:00:00", "2020-05-02T05:00:00+00:00")  # 15 h: no time zone
    assert agree("gps", (48.8584, 2.2945), (48.8589, 2.2941)) and not agree("gps", (48.8584, 2.2945), (48.87, 2.29))
    assert agree("caption", "At  the beach ", "at the beach") and not agree("caption", "beach", "lake")


def test_the_keeper_inherits_what_it_lacks_and_agreed_values_only():
    keeper = [fact("taken", "2020-05-01T14:00:00"), fact("keywords", ("Beach",))]
    removed = [
        fact("taken", "2020-05-01T12:00:00+00:00", TAKEOUT, "/lib/t/a.jpg.json"),
        fact("caption", "Sunset", TAKEOUT, "/lib/t/a.jpg.json"),
        fact("gps", (1.5, 2.5), TAKEOUT, "/lib/t/a.jpg.json"),
        fact("keywords", ("beach", "holiday"), XMP_SIDECAR, "/lib/t/a.xmp"),
        fact("rating", 5, TAKEOUT, "/lib/t/a.jpg.json"),
        fact("rating", 2, XMP_SIDECAR, "/lib/e/a.jpg.xmp"),
    ]
    result = inherit(keeper, removed)
    assert result.values == {"caption": "Sunset", "gps": [1.5, 2.5], "keywords": ["holiday"]}
    assert result.lacks == ["GPS", "caption", "rating", "keywords"]
    assert result.conflicts == [
        "rating: 5 stars (Takeout JSON /lib/t/a.jpg.json) vs 2 stars (XMP sidecar /lib/e/a.jpg.xmp); none written"
    ]
    text = inherits_text(result)
    assert "caption “Sunset” from Takeout JSON /lib/t/a.jpg.json" in text
    assert "keywords holiday from XMP sidecar /lib/t/a.xmp" in text


def test_a_conflict_with_the_keeper_keeps_the_keepers_value():
    result = inherit([fact("taken", "2020-05-02T09:30:00")], [fact("taken", "2019-03-04T08:00:00+00:00", TAKEOUT)])
    assert result.values == {} and result.lacks == []
    assert result.conflicts[0].startswith("capture time: 2020-05-02 09:30:00 (/lib/a.jpg) vs 2019")
    assert result.conflicts[0].endswith("the kept photo's stays")


def test_a_time_with_its_offset_is_preferred_and_written_as_xmp_wants_it():
    result = inherit([], [fact("taken", "2020-05-01T14:00:00"), fact("taken", "2020-05-01T12:00:00+00:00", TAKEOUT)])
    assert result.values["taken"] == "2020-05-01T12:00:00+00:00"
    tags = xmp_tags({**result.values, "camera": ["Canon", "EOS 5D"], "people": ["Ann"], "keywords": ["sea"]})
    assert tags == {
        "SourceFile": "*",
        "XMP-exif:DateTimeOriginal": "2020:05:01 12:00:00+00:00",
        "XMP-tiff:Make": "Canon",
        "XMP-tiff:Model": "EOS 5D",
        "XMP-iptcExt:PersonInImage": ["Ann"],
        "XMP-dc:Subject": ["sea"],
        "XMP-lr:HierarchicalSubject": ["sea"],
    }


def test_the_sidecar_is_name_ext_xmp_or_the_one_there_in_any_case():
    assert sidecar_of("/lib/IMG_1.JPG", [["edits", "/lib/IMG_1.xmp"]]) == "/lib/IMG_1.JPG.xmp"
    assert sidecar_of("/lib/IMG_1.JPG", [["edits", "/lib/img_1.jpg.XMP"]]) == "/lib/img_1.jpg.XMP"


@needs_exiftool
def test_facts_are_read_from_a_real_photo_and_its_sidecar(tmp_path, photos):
    photo = tmp_path / "IMG_1.jpg"
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "NIKON CORPORATION", "NIKON D750"
    exif.get_ifd(0x8769)[0x9003], exif.get_ifd(0x8769)[0x9011] = "2021:07:08 10:11:12", "-05:00"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "S", (33.0, 52.0, 7.68), "E", (151.0, 12.0, 33.48)
    photos["rocket"].save(photo, "JPEG", quality=90, exif=exif)
    sidecar = tmp_path / "IMG_1.xmp"
    written = ["-XMP-dc:Subject=launch", "-XMP-dc:Title=Lift-off"]
    subprocess.run(["exiftool", "-q", "-o", str(sidecar), *written], check=True)
    tags = read_with_exiftool([str(photo), str(sidecar)], shutil.which("exiftool") or "exiftool")
    in_file = {f.field: f.value for f in tag_facts(tags[str(photo)], IN_FILE, str(photo))}
    assert in_file == {
        "taken": "2021-07-08T10:11:12-05:00",
        "gps": (-33.8688, 151.2093),
        "camera": ("NIKON CORPORATION", "NIKON D750"),
    }
    beside = {f.field: f.value for f in tag_facts(tags[str(sidecar)], XMP_SIDECAR, str(sidecar))}
    assert beside == {"title": "Lift-off", "keywords": ("launch",)}


@needs_exiftool
def test_an_xmp_create_date_is_a_capture_time_and_a_copyright_is_a_fact(tmp_path, photos):
    """The hostile try: a keeper whose only capture time was XMP-xmp:CreateDate (2019) read as
    lacking one and inherited its twin's 1919, with no conflict; a TIFF's copyright was neither
    inherited nor listed. Mutants: XMP-xmp:CreateDate left out of the time tags, or no rights fact ->
    the facts below differ, and no conflict is listed."""
    keeper, copy = tmp_path / "dog.jpg", tmp_path / "dog_1919.jpg"
    photos["rocket"].save(keeper, "JPEG", quality=90)
    photos["rocket"].save(copy, "JPEG", quality=90)
    subprocess.run(
        ["exiftool", "-q", "-overwrite_original", "-XMP-xmp:CreateDate=2019:05:04 05:59:26+02:00", str(keeper)],
        check=True,
    )
    copy_tags = ["-ExifIFD:DateTimeOriginal=1919:05:04 05:59:26", "-IFD0:Copyright=(c) A. Photographer"]
    subprocess.run(["exiftool", "-q", "-overwrite_original", *copy_tags, str(copy)], check=True)
    tags = read_with_exiftool([str(keeper), str(copy)], shutil.which("exiftool") or "exiftool")
    kept = tag_facts(tags[str(keeper)], IN_FILE, str(keeper))
    other = tag_facts(tags[str(copy)], IN_FILE, str(copy))
    assert {f.field: f.value for f in kept} == {"taken": "2019-05-04T05:59:26+02:00"}
    assert {f.field: f.value for f in other} == {"taken": "1919-05-04T05:59:26", "rights": "(c) A. Photographer"}
    result = inherit(kept, other)
    assert "taken" not in result.values and result.values["rights"] == "(c) A. Photographer"
    assert any(conflict.startswith("capture time") for conflict in result.conflicts)
    assert xmp_tags({"rights": "(c) A. Photographer"})["XMP-dc:Rights"] == "(c) A. Photographer"


def test_takeout_json_gives_time_place_caption_people_and_favourite(tmp_path):
    path = tmp_path / "a.jpg.json"
    document = {
        "title": "a.jpg",
        "description": "Picnic",
        "photoTakenTime": {"timestamp": "1588334400"},
        "geoData": {"latitude": 48.8584, "longitude": 2.2945, "altitude": 0.0},
        "people": [{"name": "Ann"}, {"name": ""}],
        "favorited": True,
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    facts = {f.field: f.value for f in takeout_facts(str(path))}
    assert facts == {
        "taken": "2020-05-01T12:00:00+00:00",
        "gps": (48.8584, 2.2945),
        "caption": "Picnic",
        "people": ("Ann",),
        "rating": 5,
    }


def test_the_applescript_gives_an_asset_its_loose_copys_caption_keywords_and_place():
    def row(path, keep, match, uuid, plan=None):
        facts = {"group_id": "g1", "path": path, "keep": keep, "match": match, "photos_uuid": uuid, "inherit": plan}
        return {**dict.fromkeys(GROUP_COLUMNS, ""), **facts}

    plan = {"values": {"caption": 'Say "cheese"', "keywords": ["beach"], "gps": [48.8584, -2.2945]}, "sidecar": ""}
    groups = groups_of_rows(
        [
            row("/lib/Photos.photoslibrary/originals/A/a.jpeg", True, "keeper", "UUID-1", plan),
            row("/lib/Takeout/a.jpg", False, "looks the same", ""),
        ]
    )
    entries = loose_copy_inheritance(groups)
    assert [entry["keeper_uuid"] for entry in entries] == ["UUID-1"]
    script = render_applescript([], entries)
    assert 'set keeper to media item id "UUID-1/L0/001"' in script
    assert 'set description of keeper to "Say \\"cheese\\""' in script
    assert 'my mergedList(keywords of keeper, {"beach"})' in script
    assert "set location of keeper to {48.858400, -2.294500}" in script
    groups[0].members[1]["keep"] = True  # the loose copy stays: nothing to add
    assert loose_copy_inheritance(groups) == []


@needs_exiftool
def test_exiftools_readings_are_remembered_until_the_file_changes(tmp_path, photos):
    photo, cache_file = tmp_path / "a.jpg", tmp_path / "tags.json"
    photos["coffee"].save(photo, "JPEG", quality=90)
    subprocess.run(["exiftool", "-q", "-overwrite_original", "-XMP-dc:Title=First", str(photo)], check=True)
    program, missing = shutil.which("exiftool") or "exiftool", str(tmp_path / "no-such-exiftool")
    first = TagCache(str(cache_file))
    assert first.read([str(photo)], program)[str(photo)]["XMP-dc:Title"] == "First"
    first.save()
    again = TagCache(str(cache_file))  # unchanged: read from the cache, no ExifTool needed
    assert again.read([str(photo)], missing)[str(photo)]["XMP-dc:Title"] == "First"
    subprocess.run(["exiftool", "-q", "-overwrite_original", "-XMP-dc:Title=Second, longer", str(photo)], check=True)
    changed = TagCache(str(cache_file))
    assert changed.read([str(photo)], program)[str(photo)]["XMP-dc:Title"] == "Second, longer"
    cache_file.write_text("[1, 2", encoding="utf-8")  # damaged: an empty cache, read again
    assert TagCache(str(cache_file)).read([str(photo)], missing) == {str(photo): {}}


def test_bad_values_are_no_facts_and_never_raise(tmp_path):
    tags = {
        "ExifIFD:DateTimeOriginal": "2020:13:45 25:00:00",
        "ExifIFD:OffsetTimeOriginal": "+99:00",
        "Composite:GPSLatitude": "north",
        "XMP-xmp:Rating": 0,
        "XMP-dc:Subject": [1, "", None, "sea"],
        "IFD0:Make": 42,
    }
    facts = {f.field: f.value for f in tag_facts(tags, IN_FILE, "/a.jpg")}
    assert facts == {"keywords": ("1", "sea"), "camera": ("42", "")}
    path = tmp_path / "a.jpg.json"
    path.write_text('{"photoTakenTime": {"timestamp": "99999999999999999999"}, "geoData": {"latitude": true}}')
    assert takeout_facts(str(path)) == []
