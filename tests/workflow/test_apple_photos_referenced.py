"""Apple Photos referenced originals: an asset whose file Photos keeps outside the bundle.

With "Copy items to the Photos library" off, Photos records where an imported file lies and
leaves it there. That file is the asset's only original: it is listed under its real path with
its asset's UUID and library, handled by Photos' rules, and never moved by the file script.

The sample library (../shared, real Photos 5 database; the tests that need it skip without it)
holds two referenced assets whose files are not on this disk. The tests copy it and point one
of them, with sqlite3, at a file in the test's folder: the columns osxphotos reads for a
referenced original are ZGENERICASSET.ZDIRECTORY (an absolute folder, often through
/Volumes/<disk>) and ZFILENAME, with ZSAVEDASSETTYPE 10; ZINTERNALRESOURCE.ZLOCALAVAILABILITY
decides osxphotos' `ismissing` (the sample has -1 there: flagged missing).
"""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
from pathlib import Path
from types import SimpleNamespace

import pytest
from support.deletion_helpers import member
from support.workflow_runner import REPO, snakemake

from photo_dedup.apple_photos.catalog import (
    CATALOG_FORMAT,
    catalog_libraries,
    database_stamp,
    on_disk_spelling,
    original_path,
    read_photos_library,
)
from photo_dedup.apple_photos.duplicates import with_photos_facts
from photo_dedup.choose.verdicts import VerdictRules, decide
from photo_dedup.outputs.deletion_script import removal_actions
from photo_dedup.outputs.group_tables import read_csv
from photo_dedup.shapes import KEEPER, Group, Photo, read_report

SAMPLE = REPO.parent / "shared" / "photos" / "apple" / "Test-10.15.7.photoslibrary"
needs_sample = pytest.mark.skipif(not (SAMPLE / "database" / "Photos.sqlite").is_file(), reason="no ../shared sample")

REFERENCED = "A1DD1F98-2ECD-431F-9AC9-5AFEFE2D3A5C"  # Pumpkins4.jpg, referenced in the sample library
TWIN = "1EB2B765-0765-43BA-A90C-0D0580E6172C"  # Pumpkins3.jpg, in the bundle: an album and a keyword


def copy_sample(bundle: Path) -> Path:
    """A writable copy of the sample library's database and originals."""
    for part in ("database", "originals"):
        shutil.copytree(SAMPLE / part, bundle / part, copy_function=shutil.copyfile)
    for folder, _, _ in os.walk(bundle):
        os.chmod(folder, 0o755)
    return bundle


def refer(bundle: Path, uuid: str, folder: str, name: str, available: int | None = None) -> None:
    """Make the copy's asset `uuid` a referenced original at `folder`/`name`, as Photos records one."""
    connection = sqlite3.connect(bundle / "database" / "Photos.sqlite")
    with connection:
        connection.execute(
            "UPDATE ZGENERICASSET SET ZDIRECTORY = ?, ZFILENAME = ?, ZSAVEDASSETTYPE = 10 WHERE ZUUID = ?",
            (folder, name, uuid),
        )
        if available is not None:
            connection.execute(
                "UPDATE ZINTERNALRESOURCE SET ZLOCALAVAILABILITY = ? WHERE ZDATASTORESUBTYPE = 1 AND ZASSET = "
                "(SELECT Z_PK FROM ZGENERICASSET WHERE ZUUID = ?)",
                (available, uuid),
            )
    connection.close()


def referenced_library(base: Path, available: int | None = None) -> tuple[Path, Path]:
    """A copied library whose Pumpkins4.jpg is a file outside it with Pumpkins3's bytes.

    Photos records the folder through /Volumes/<disk> (a link to the disk's root); the real
    path, the one the scan lists, has no link in it. Returns the bundle and the real path.
    """
    bundle = copy_sample(base / "library" / "Photos Library.photoslibrary")
    original = base / "library" / "Users" / "Shared" / "Pumpkins4.jpg"
    original.parent.mkdir(parents=True)
    shutil.copyfile(SAMPLE / "originals" / TWIN[0] / f"{TWIN}.jpeg", original)
    (base / "Volumes").mkdir()
    (base / "Volumes" / "Macintosh HD").symlink_to(base / "library")
    refer(bundle, REFERENCED, str(base / "Volumes" / "Macintosh HD" / "Users" / "Shared"), "Pumpkins4.jpg", available)
    return bundle, original


@needs_sample
def test_the_sample_referenced_assets_are_not_on_this_disk():
    assets = read_photos_library(str(SAMPLE))
    for uuid in (REFERENCED, "8E1D7BC9-9321-44F9-8CFB-4083F6B9232A"):
        assert assets[f"missing:{uuid}"]["missing"] is True
    assert all(path.startswith(f"{SAMPLE}/originals/") for path in assets if not path.startswith("missing:"))


@needs_sample
@pytest.mark.parametrize("available", [None, 1], ids=["flagged-missing-as-in-the-sample", "flagged-available"])
def test_a_referenced_original_is_an_asset_under_its_real_path(tmp_path, available):
    bundle, original = referenced_library(tmp_path, available)
    assets = read_photos_library(str(bundle))
    asset = assets[str(original)]
    assert (asset["uuid"], asset["library"], asset["missing"]) == (REFERENCED, str(bundle), False)
    assert asset["original_name"] == "Pumpkins4.jpg" and asset["keywords"] == ["Kids"]
    assert f"missing:{REFERENCED}" not in assets
    # the originals inside the bundle keep their keys
    inside = {path for path in assets if path.startswith(f"{bundle}/")}
    assert inside == {str(bundle / "originals" / path) for path in _sample_originals_found()}


def _sample_originals_found() -> set[str]:
    return {
        path.removeprefix(f"{SAMPLE}/originals/") for path in read_photos_library(str(SAMPLE)) if path.startswith("/")
    }


@pytest.fixture(scope="module")
def referenced_run(tmp_path_factory):
    """The workflow on the copied library, its referenced original and a loose copy of it."""
    base = tmp_path_factory.mktemp("referenced")
    bundle, original = referenced_library(base)
    loose = base / "library" / "Takeout" / "Pumpkins3.jpg"
    loose.parent.mkdir()
    shutil.copyfile(original, loose)
    workdir = base / "work"
    result = snakemake(workdir, "--config", f"library={base / 'library'}")
    assert result.returncode == 0, result.stdout + result.stderr
    groups = read_report(workdir / "results" / "groups.json").groups
    return {"workdir": workdir, "bundle": bundle, "original": original, "loose": loose, "groups": groups}


@needs_sample
@pytest.mark.e2e
def test_the_referenced_original_goes_to_photos_not_to_the_file_script(referenced_run):
    groups, original = referenced_run["groups"], str(referenced_run["original"])
    moved = {action["path"] for action in removal_actions(groups)}
    assert original not in moved
    assert str(referenced_run["loose"]) in moved  # a loose copy of an asset still goes
    [row] = [m for g in groups for m in g.members if m["path"] == original]
    assert (row["photos_uuid"], row["photos_library"]) == (REFERENCED, str(referenced_run["bundle"]))
    assert row["handled_by"] == "Apple Photos"  # its twin in the bundle has more of your work
    listed = read_csv(referenced_run["workdir"] / "results" / "apple-photos-duplicates.csv")
    entry = listed[listed["uuid"] == REFERENCED]  # (the sample's own re-imports are listed too)
    assert list(zip(entry["path"], entry["keeper_uuid"], strict=True)) == [(original, TWIN)]
    script = (referenced_run["workdir"] / "results" / "delete-duplicates.sh").read_text()
    acts = [shlex.split(line) for line in script.splitlines() if line.startswith("act ")]
    assert {args[6] for args in acts} == {str(referenced_run["loose"])}  # act ID KEEPER DIR SIZE SHA DUPLICATE


def photo(path: str | None, *, reference: bool = False, info: dict | None = None) -> SimpleNamespace:
    """What osxphotos' PhotoInfo gives that original_path reads."""
    return SimpleNamespace(path=path, isreference=reference, _info=info or {})


def test_an_original_in_the_bundle_is_keyed_under_the_real_bundle(tmp_path):
    shadow, bundle = "/tmp/x/shadow.photoslibrary", "/p/Photos Library.photoslibrary"
    found = original_path(photo(f"{shadow}/originals/A/A1.jpeg"), shadow, bundle)
    assert found == f"{bundle}/originals/A/A1.jpeg"
    assert original_path(photo(None), shadow, bundle) is None


def test_a_referenced_original_is_found_where_the_database_records_it(tmp_path):
    (tmp_path / "disk" / "Pictures").mkdir(parents=True)
    (tmp_path / "disk" / "Pictures" / "IMG_1.JPG").write_bytes(b"a photo")
    (tmp_path / "Volumes").mkdir()
    (tmp_path / "Volumes" / "Disk").symlink_to(tmp_path / "disk")
    recorded = {"directory": str(tmp_path / "Volumes" / "Disk" / "Pictures"), "filename": "IMG_1.JPG"}
    real = str(tmp_path / "disk" / "Pictures" / "IMG_1.JPG")
    shadow, bundle = str(tmp_path / "shadow.photoslibrary"), str(tmp_path / "P.photoslibrary")
    # osxphotos gives no path when it flags the asset missing, and that flag is unreliable
    assert original_path(photo(None, reference=True, info=recorded), shadow, bundle) == real
    assert original_path(photo(os.path.join(*recorded.values()), reference=True), shadow, bundle) == real
    gone = {**recorded, "filename": "IMG_2.JPG"}
    assert original_path(photo(None, reference=True, info=gone), shadow, bundle) is None
    assert original_path(photo(None, reference=False, info=recorded), shadow, bundle) is None


def test_a_name_is_spelled_as_its_folder_lists_it(tmp_path):
    """A Mac disk finds "Ete.jpg" under any case (or Unicode form); the scan lists its own spelling."""
    (tmp_path / "ETE.jpg").write_bytes(b"a photo")
    os.link(tmp_path / "ETE.jpg", tmp_path / "Ete.jpg")  # the same file under the other spelling

    def listing(folder: str) -> frozenset[str]:
        names = frozenset(os.listdir(folder))
        return names - {"Ete.jpg"} if folder == str(tmp_path) else names

    assert on_disk_spelling(str(tmp_path / "Ete.jpg"), listing) == str(tmp_path / "ETE.jpg")
    assert on_disk_spelling(str(tmp_path / "Ete.jpg")) == str(tmp_path / "Ete.jpg")


def group(*members: dict) -> Group:
    """One group of these members (the keeper first), verdicts not yet given."""
    base = {"digest": "d" * 64, "width": 100, "height": 80, "format": "JPEG", "size": 1000, "jpeg_quality": 90}
    made = [member(**{**base, **facts}) for facts in members]
    photos = [Photo(path=m["path"], size=m["size"], embedded_video=0) for m in made]
    return Group("g1", "copy", made[0]["reason"], made, photos=photos)


def test_an_asset_stays_when_its_group_keeps_a_loose_file(tmp_path):
    """Your choice (or reordered rules) may keep a loose file: a referenced asset still is Photos'."""
    referenced, loose = str(tmp_path / "Shared" / "Pumpkins4.jpg"), str(tmp_path / "Takeout" / "Pumpkins4.jpg")
    assets = {referenced: {"library": "/p/L.photoslibrary", "uuid": REFERENCED, "original_name": "Pumpkins4.jpg"}}
    assets[referenced].update(edited=False, favorite=False, albums=[], keywords=[], persons=[], title="")
    ruled = group({"path": loose, "match": KEEPER, "reason": "your choice"}, {"path": referenced, "match": "identical"})
    with_photos_facts([ruled], assets)
    decide([ruled], VerdictRules(assets=assets))
    asset_row = ruled.members[1]
    assert asset_row["keep"] and asset_row["photos_uuid"] == REFERENCED
    assert asset_row["reason"] == "kept: an Apple Photos asset (only Photos may remove it)"
    assert removal_actions([ruled]) == []


def test_a_catalog_of_an_older_format_is_read_again(tmp_path):
    bundle = tmp_path / "P.photoslibrary"
    (bundle / "database").mkdir(parents=True)
    (bundle / "database" / "Photos.sqlite").write_bytes(b"not a database")
    stamp = database_stamp(str(bundle))
    assert stamp[0] == ["catalog format", CATALOG_FORMAT]
    old = {str(bundle): {"stamp": stamp[1:], "assets": {f"{bundle}/../../Users/x.jpg": {"uuid": "U"}}}}
    catalog, notes = catalog_libraries([str(bundle)], old)
    assert catalog[str(bundle)]["assets"] == {} and notes  # read again (and this one cannot be read)
    same, _ = catalog_libraries([str(bundle)], {str(bundle): {"stamp": stamp, "assets": {"kept": {}}}})
    assert same[str(bundle)]["assets"] == {"kept": {}}
