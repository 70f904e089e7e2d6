"""Google Takeout JSON and editors' sidecars: found by Google's and the editors' naming, read for the
keeper, moved with their photo and restored with it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from support.deletion_helpers import snapshot
from support.workflow_runner import snakemake

from photo_dedup.demo import variants
from photo_dedup.outputs.group_tables import read_csv
from photo_dedup.scan.companion_files import find_companions, read_takeout


def takeout_json(path: Path, title: str, timestamp: int = 0, latitude: float = 0.0) -> Path:
    """A sidecar in the shape Google Takeout writes."""
    document = {
        "title": title,
        "description": "",
        "imageViews": "3",
        "creationTime": {"timestamp": "1700000000", "formatted": "Nov 14, 2023, 10:13:20 PM UTC"},
        "photoTakenTime": {"timestamp": str(timestamp), "formatted": ""},
        "geoData": {"latitude": latitude, "longitude": 0.0, "altitude": 0.0, "latitudeSpan": 0.0, "longitudeSpan": 0.0},
        "geoDataExif": {"latitude": 0.0, "longitude": 0.0, "altitude": 0.0, "latitudeSpan": 0.0, "longitudeSpan": 0.0},
        "people": [{"name": "Katie"}],
        "url": "https://photos.google.com/photo/x",
        "googlePhotosOrigin": {"mobileUpload": {"deviceType": "ANDROID_PHONE"}},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2))
    return path


@pytest.mark.parametrize(
    ("photo", "sidecar"),
    [
        ("IMG_1.jpg", "IMG_1.jpg.json"),
        ("IMG_1.jpg", "IMG_1.jpg.supplemental-metadata.json"),
        ("IMG_1(1).jpg", "IMG_1.jpg(1).json"),
        ("IMG_1(1).jpg", "IMG_1.jpg.supplemental-metadata(1).json"),
        ("IMG_1-edited.jpg", "IMG_1.jpg.json"),
        ("PXL_20230405_101112345.NIGHT.ORIGINAL.jpg", "PXL_20230405_101112345.NIGHT.ORIGINAL.jpg.supp.json"),
        ("Screenshot_20230405-101112_Messages_long.png", "Screenshot_20230405-101112_Messages_long.png.s.json"),
        ("IMG_20230405_101112_with_a_very_long_name.jpg", "IMG_20230405_101112_with_a_very_long_nam.json"),
        ("IMG_2.CR2", "IMG_2.CR2.xmp"),
        ("IMG_2.CR2", "IMG_2.xmp"),
        ("IMG_3.HEIC", "IMG_3.AAE"),
        ("IMG_3.HEIC", "IMG_3.MOV"),
        ("IMG_4.NEF", "IMG_4.NEF.pp3"),
        ("IMG_4.NEF", "IMG_4.NEF.dop"),
    ],
)
def test_companions_are_found_by_their_real_names(tmp_path, photo, sidecar):
    (tmp_path / photo).write_bytes(b"x")
    if sidecar.endswith(".json"):
        title = photo.replace("(1)", "").replace("-edited", "")
        takeout_json(tmp_path / sidecar, title)
    else:
        (tmp_path / sidecar).write_bytes(b"x")
    others = {sidecar.lower(): sidecar, "unrelated.json": "unrelated.json", "img_9.xmp": "IMG_9.xmp"}
    (tmp_path / "unrelated.json").write_text("{}")
    found = find_companions(str(tmp_path), [photo], others)
    assert [path for _, path in found[str(tmp_path / photo)]] == [str(tmp_path / sidecar)]


def test_a_cut_name_counts_only_when_its_title_names_the_photo(tmp_path):
    takeout_json(
        tmp_path / "IMG_20230405_101112_with_a_very_long_nam.json", "IMG_20230405_101112_with_a_very_long_other.jpg"
    )
    others = {"img_20230405_101112_with_a_very_long_nam.json": "IMG_20230405_101112_with_a_very_long_nam.json"}
    assert find_companions(str(tmp_path), ["IMG_20230405_101112_with_a_very_long_name.jpg"], others) == {}


def test_takeout_facts_are_read(tmp_path):
    path = takeout_json(tmp_path / "a.jpg.json", "a.jpg", timestamp=1625140800, latitude=51.5)
    facts = {"taken": "2021-07-01T12:00:00", "has_gps": True, "latitude": 51.5, "longitude": 0.0, "people": ["Katie"]}
    assert read_takeout(str(path)) == facts  # the position too: a kept photo inherits it (see inheritance)
    assert read_takeout(str(takeout_json(tmp_path / "b.jpg.json", "b.jpg"))) == {"people": ["Katie"]}
    (tmp_path / "c.json").write_text("[1, 2")
    assert read_takeout(str(tmp_path / "c.json")) == {}


@pytest.mark.e2e
def test_sidecars_decide_the_keeper_and_travel_with_their_photo(tmp_path, photos):
    library = tmp_path / "library"
    masters, takeout = library / "Masters", library / "Takeout" / "Google Photos" / "Photos from 2021"
    # A takeout copy (recompressed, no EXIF) with its JSON; the master lacks a GPS position the JSON has.
    variants.save_original(photos["astronaut"], masters / "astronaut.jpg")
    variants.recompressed(photos["astronaut"], takeout / "astronaut.jpg", quality=70)
    takeout_json(takeout / "astronaut.jpg.json", "astronaut.jpg", timestamp=1625140800, latitude=51.5)
    # A takeout copy whose JSON is shared with an edit that stays (black and white: not a copy).
    variants.save_original(photos["coffee"], masters / "coffee.jpg")
    variants.recompressed(photos["coffee"], takeout / "coffee.jpg", quality=70)
    variants.black_and_white(photos["coffee"], takeout / "coffee-edited.jpg")
    takeout_json(takeout / "coffee.jpg.json", "coffee.jpg")
    # A photo with no EXIF: its capture time comes from its JSON.
    variants.recompressed(photos["hubble"], takeout / "hubble(1).jpg", quality=80)
    takeout_json(takeout / "hubble.jpg(1).json", "hubble.jpg", timestamp=1625140800)
    variants.recompressed(photos["hubble"], library / "Other" / "hubble.jpg", quality=60)
    # Identical copies: the one with an XMP sidecar wins over a shorter path; a removed copy's AAE goes with it.
    variants.save_original(photos["chelsea"], library / "Lightroom" / "IMG_3.jpg")
    (library / "Lightroom" / "IMG_3.jpg.xmp").write_text('<x:xmpmeta xmlns:x="adobe:ns:meta/"/>')
    variants.byte_copy(library / "Lightroom" / "IMG_3.jpg", library / "B" / "IMG_3.jpg")
    variants.save_original(photos["rocket"], masters / "rocket.jpg")
    variants.resized(photos["rocket"], library / "Phone" / "IMG_4.jpg", long_side=300)
    (library / "Phone" / "IMG_4.AAE").write_text("<plist>adjustments</plist>")
    before = snapshot(library)
    workdir = tmp_path / "work"
    result = snakemake(workdir, "--config", f"library={library}")
    assert result.returncode == 0, result.stdout + result.stderr
    rows = read_csv(workdir / "results" / "groups.csv").set_index("path")

    def row(path: Path):
        return rows.loc[str(path)]

    assert row(takeout / "astronaut.jpg")["companions"] == str(takeout / "astronaut.jpg.json")
    assert row(takeout / "astronaut.jpg")["takeout"] == "people: Katie"
    assert row(masters / "astronaut.jpg")["keeper_lacks"] == "GPS, people"  # the Takeout copy names Katie
    assert row(takeout / "coffee.jpg")["companions"] == ""  # the staying edited copy uses the JSON
    hubble = row(takeout / "hubble(1).jpg")
    assert hubble["keep"] == "True" and hubble["taken"] == "2021-07-01T12:00:00"
    assert row(library / "Other" / "hubble.jpg")["companions"] == ""
    lightroom = row(library / "Lightroom" / "IMG_3.jpg")
    assert lightroom["keep"] == "True" and lightroom["reason"] == "identical copies; has edits (IMG_3.jpg.xmp)"
    phone = row(library / "Phone" / "IMG_4.jpg")
    assert phone["keep"] == "False" and phone["companions"] == str(library / "Phone" / "IMG_4.AAE")
    assert row(masters / "rocket.jpg")["keeper_lacks"] == "edits"

    script = workdir / "results" / "delete-duplicates.sh"
    moved = subprocess.run(["sh", str(script), "-y"], capture_output=True, text=True)
    assert moved.returncode == 0, moved.stdout
    for gone in ("astronaut.jpg.json", "astronaut.jpg"):
        assert not (takeout / gone).exists()
    assert (takeout / "coffee.jpg.json").exists() and not (takeout / "coffee.jpg").exists()
    assert not (library / "Phone" / "IMG_4.AAE").exists()
    restored = subprocess.run(["sh", str(workdir / "quarantine" / "restore.sh")], capture_output=True, text=True)
    assert restored.returncode == 0, restored.stdout
    assert snapshot(library) == before
