"""Apple Photos libraries: nothing inside a bundle is ever moved, Photos' duplicates are handed to Photos.

The workflow reads a library's database with osxphotos. The tests cannot ship a real Photos
database, so they give the workflow the catalog osxphotos would produce (cache/apple-photos.json,
with the stamp of the bundle's database files, which the workflow reuses as long as the database
is unchanged) and check everything that follows from it, on real photographs, end to end.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from support.deletion_helpers import snapshot
from support.workflow_runner import snakemake

from photo_dedup.apple_photos.catalog import bundle_of, database_stamp
from photo_dedup.apple_photos.duplicates import render_applescript
from photo_dedup.demo import variants
from photo_dedup.outputs.group_tables import read_csv
from photo_dedup.outputs.templating import applescript_string

pytestmark = pytest.mark.e2e

EDITED, PLAIN, IN_TRASH, OTHER = (
    "D1D4040D-D141-44E8-93EA-E403D9F63E07",
    "A8266C97-9BAF-4AF4-99F3-0013832869B8",
    "7783E8E6-9CAC-40F3-BE22-81FB7051C266",
    "F12384F6-CD17-4151-ACBA-AE0E3688539E",
)


def asset(bundle: Path, uuid: str, name: str, **facts) -> dict:
    base = {
        "library": str(bundle),
        "uuid": uuid,
        "original_name": name,
        "favorite": False,
        "hidden": False,
        "in_trash": False,
        "missing": False,
        "albums": [],
        "keywords": [],
        "title": "",
        "description": "",
        "persons": [],
        "edited": False,
        "raw_pair": False,
        "live_photo": False,
    }
    return {**base, **facts}


@pytest.fixture(scope="module")
def photos_run(tmp_path_factory, photos):
    base = tmp_path_factory.mktemp("apple")
    library = base / "library"
    bundle = library / "Photos Library.photoslibrary"
    (bundle / "database").mkdir(parents=True)
    (bundle / "database" / "Photos.sqlite").write_bytes(b"stands in for the Photos database")
    originals = bundle / "originals"

    def original(uuid: str) -> Path:
        return originals / uuid[0] / f"{uuid}.jpeg"

    # Two assets with the same bytes (a re-import); the user edited one and put it in an album.
    first = variants.save_original(photos["astronaut"], original(EDITED))
    variants.byte_copy(first, original(PLAIN))
    # An asset in Recently Deleted with the same picture: not a live copy.
    variants.byte_copy(first, original(IN_TRASH))
    # Another asset, its recompressed loose copy, and a loose copy with more pixels.
    coffee = variants.save_original(photos["coffee"], original(OTHER), quality=90)
    variants.save_original(photos["chelsea"], originals / "0" / "untracked.jpeg")  # a file Photos does not list
    loose = library / "Takeout"
    variants.recompressed(photos["astronaut"], loose / "astronaut.jpg", quality=70)
    big = photos["coffee"].resize((photos["coffee"].width * 2, photos["coffee"].height * 2))
    variants.save_original(big, loose / "coffee-large.jpg")
    variants.byte_copy(coffee, loose / "coffee.jpg")
    variants.save_original(photos["coffee"], loose / "coffee-export.jpg", quality=97)  # a re-export, higher q
    assets = {
        str(original(EDITED)): asset(
            bundle,
            EDITED,
            "Frítest.jpg",
            edited=True,
            title='Fr\u00edtest "the good one"',
            albums=[{"uuid": "ALBUM-1", "title": "Trips"}],
        ),
        str(original(PLAIN)): asset(
            bundle,
            PLAIN,
            "Frítest.jpg",
            keywords=["Cloudy", "Val d'Is\u00e8re"],
            albums=[{"uuid": "ALBUM-2", "title": 'Say "cheese"\\o/'}],
            favorite=True,
            description="line one\nline two",
        ),
        str(original(IN_TRASH)): asset(bundle, IN_TRASH, "IMG_3092.heic", in_trash=True),
        str(original(OTHER)): asset(bundle, OTHER, "Pumkins1.jpg", title="Can we carry this?"),
    }
    workdir = base / "work"
    (workdir / "cache").mkdir(parents=True)
    catalog = {str(bundle): {"stamp": database_stamp(str(bundle)), "assets": assets}}
    (workdir / "cache" / "apple-photos.json").write_text(json.dumps(catalog))
    before = snapshot(bundle)
    result = snakemake(workdir, "--config", f"library={library}")
    assert result.returncode == 0, result.stdout + result.stderr
    rows = read_csv(workdir / "results" / "groups.csv")
    return {"workdir": workdir, "bundle": bundle, "library": library, "rows": rows, "before": before}


def row(rows: pd.DataFrame, path: Path) -> pd.Series:
    return rows[rows["path"] == str(path)].iloc[0]


def test_the_curated_asset_is_kept_and_its_twin_is_handed_to_photos(photos_run):
    rows, bundle = photos_run["rows"], photos_run["bundle"]
    edited = row(rows, bundle / "originals" / "D" / f"{EDITED}.jpeg")
    assert edited["keep"] == "True"
    assert "edited" in edited["reason"] and "Apple Photos" in edited["reason"]
    assert edited["photos_name"] == "Frítest.jpg"
    twin = row(rows, bundle / "originals" / "A" / f"{PLAIN}.jpeg")
    assert twin["keep"] == "False" and twin["handled_by"] == "Apple Photos"
    listed = read_csv(photos_run["workdir"] / "results" / "apple-photos-duplicates.csv")
    assert list(listed["uuid"]) == [PLAIN]
    assert list(listed["keeper_uuid"]) == [EDITED]


def test_an_asset_in_recently_deleted_is_no_copy(photos_run):
    assert not photos_run["rows"]["path"].str.contains(IN_TRASH).any()


def test_loose_copies_go_when_the_asset_is_as_good_and_stay_when_better(photos_run):
    rows, library = photos_run["rows"], photos_run["library"]
    assert row(rows, library / "Takeout" / "astronaut.jpg")["keep"] == "False"
    assert row(rows, library / "Takeout" / "coffee.jpg")["keep"] == "False"
    large = row(rows, library / "Takeout" / "coffee-large.jpg")
    assert large["keep"] == "True" and large["reason"].startswith("kept: better copy outside Photos (more pixels")
    # a higher JPEG quality alone holds nothing the asset lacks: a re-export goes
    assert row(rows, library / "Takeout" / "coffee-export.jpg")["keep"] == "False"


def test_the_file_script_never_touches_the_bundle(photos_run):
    workdir, bundle = photos_run["workdir"], photos_run["bundle"]
    script = (workdir / "results" / "delete-duplicates.sh").read_text()
    acts = [shlex.split(line) for line in script.splitlines() if line.startswith("act ")]
    duplicates = {args[6] for args in acts}  # act ID KEEPER KEEPER_DIR SIZE SHA256 DUPLICATE ...
    loose = ("astronaut.jpg", "coffee.jpg", "coffee-export.jpg")
    assert duplicates == {str(photos_run["library"] / "Takeout" / name) for name in loose}
    result = subprocess.run(["sh", str(workdir / "results" / "delete-duplicates.sh"), "-y"], capture_output=True)
    assert result.returncode == 0, result.stdout
    assert snapshot(bundle) == photos_run["before"]
    assert not (photos_run["library"] / "Takeout" / "astronaut.jpg").exists()
    shutil.rmtree(workdir / "quarantine")


def test_the_applescript_merges_into_the_keeper_and_quotes_every_string(photos_run):
    text = (photos_run["workdir"] / "results" / "apple-photos-duplicates.applescript").read_text()
    assert f'media item id "{EDITED}/L0/001"' in text and f'media item id "{PLAIN}/L0/001"' in text
    assert 'add {keeper} to album id "ALBUM-2/L0/040"' in text
    assert "set favorite of keeper to true" in text
    assert '"Val d\'Isère"' in text and '"line one\\nline two"' in text
    assert 'album "photo-dedup: duplicates"' in text
    assert_every_string_closed(text)


def assert_every_string_closed(script: str) -> None:
    """Every AppleScript line outside comments has balanced string literals (escapes honoured)."""
    for line in script.splitlines():
        code = re.sub(r'"(?:[^"\\]|\\.)*"', "", line).split("--", 1)[0]
        assert '"' not in code, line


@pytest.mark.parametrize(
    ("text", "literal"),
    [
        ('say "hi"', r'"say \"hi\""'),
        ("back\\slash", r'"back\\slash"'),
        ("two\nlines\r\tend", r'"two\nlines\r\tend"'),
        ("Água 東京", '"Água 東京"'),
    ],
)
def test_applescript_strings_are_escaped_the_applescript_way(text, literal):
    assert applescript_string(text) == literal


def test_comment_lines_never_break(tmp_path):
    entry = {
        "uuid": "U",
        "keeper_uuid": "K",
        "file_name": "evil\nname\r.jpg",
        "albums": [{"uuid": "A", "title": "x\ny"}],
        "keywords": [],
        "favorite": False,
        "title": "",
        "description": "",
    }
    script = render_applescript([entry])
    assert '-- "evil\\nname\\r.jpg": "U" is a duplicate of "K"' in script
    assert '-- "x\\ny"' in script


def test_bundle_of_finds_the_library_a_file_lies_in():
    assert bundle_of("/p/My Photos.photoslibrary/originals/A/x.jpeg") == "/p/My Photos.photoslibrary"
    assert bundle_of("/p/Old.PHOTOSLIBRARY/x.jpeg") == "/p/Old.PHOTOSLIBRARY"
    assert bundle_of("/p/photoslibrary/x.jpeg") is None
