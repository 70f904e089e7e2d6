"""The osxphotos reader (apple_photos.read_photos_library) on a real Photos database.

tests/data/ holds the `database/` folder of osxphotos' own test library Test-10.15.7.photoslibrary
(a real Photos 5 library, macOS 10.15.7; see tests/data/SOURCES.md). The test unpacks it into a
bundle, puts a real photograph at the place of every other original the database lists in the bundle,
and checks what the reader returns against the database's own rows, read here with sqlite3: every
asset once, under its file's path where the file is there, with its name, favourite, hidden, trash,
title and keywords. And the reader writes nothing into the bundle, not even a time stamp.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import tarfile
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from photo_dedup.apple_photos.catalog import read_photos_library

DATABASE = Path(__file__).resolve().parents[2] / "data" / "Test-10.15.7-photoslibrary-database.tar.gz"


def unpacked_bundle(folder: Path) -> Path:
    bundle = folder / "Test.photoslibrary"
    bundle.mkdir()
    with tarfile.open(DATABASE) as archive:
        archive.extractall(bundle, filter="data")
    return bundle


def composed(text: str) -> str:
    """Text as osxphotos gives it: Unicode composed (NFC; Photos stores "Isère" decomposed)."""
    return unicodedata.normalize("NFC", text)


def database_rows(bundle: Path, scratch: Path) -> dict[str, dict[str, Any]]:
    """What the database says of each asset, read by sqlite3 from a copy (a read touches the files)."""
    copy = shutil.copytree(bundle / "database", scratch / "database-copy")
    connection = sqlite3.connect(copy / "Photos.sqlite")
    query = """
        SELECT asset.ZUUID, asset.ZDIRECTORY, asset.ZFILENAME, asset.ZFAVORITE, asset.ZHIDDEN,
               asset.ZTRASHEDSTATE, attributes.ZORIGINALFILENAME, attributes.ZTITLE,
               (SELECT group_concat(keyword.ZTITLE, '|') FROM Z_1KEYWORDS link
                JOIN ZKEYWORD keyword ON keyword.Z_PK = link.Z_37KEYWORDS
                WHERE link.Z_1ASSETATTRIBUTES = attributes.Z_PK)
        FROM ZGENERICASSET asset JOIN ZADDITIONALASSETATTRIBUTES attributes ON attributes.ZASSET = asset.Z_PK
    """
    rows = {}
    for uuid, folder, name, favourite, hidden, trashed, original, title, keywords in connection.execute(query):
        rows[uuid] = {
            "in_bundle": not folder.startswith("/"),  # a referenced original lies outside, at an absolute path
            "file": bundle / "originals" / folder / name,
            "favorite": bool(favourite),
            "hidden": bool(hidden),
            "in_trash": bool(trashed),
            "original_name": composed(original),
            "title": composed(title or ""),
            "keywords": sorted(composed(keyword) for keyword in keywords.split("|")) if keywords else [],
        }
    connection.close()
    return rows


def tree_digest(root: Path) -> dict[str, tuple[int, int, int, str]]:
    """Every path under `root` with its mode, size, modification time and SHA-256."""
    digest = {}
    for folder, folders, files in os.walk(root):
        for name in folders + files:
            path = Path(folder, name)
            stat = path.lstat()
            content = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
            digest[str(path.relative_to(root))] = (stat.st_mode, stat.st_size, stat.st_mtime_ns, content)
    return digest


@pytest.fixture
def library(tmp_path, photos):
    """The bundle with a real photograph at every other in-bundle original (the rest not on disk)."""
    bundle = unpacked_bundle(tmp_path)
    rows = database_rows(bundle, tmp_path)
    in_bundle = sorted(uuid for uuid, row in rows.items() if row["in_bundle"])
    pictures = list(photos.values())
    for number, uuid in enumerate(in_bundle[::2]):
        rows[uuid]["file"].parent.mkdir(parents=True, exist_ok=True)
        pictures[number % len(pictures)].save(rows[uuid]["file"], "JPEG", quality=90)
    return bundle, rows


def test_the_reader_lists_every_asset_with_what_the_database_says(library):
    bundle, rows = library
    assets = read_photos_library(str(bundle))
    by_uuid = {asset["uuid"]: (key, asset) for key, asset in assets.items()}
    assert sorted(by_uuid) == sorted(rows) and len(assets) == len(rows)
    on_disk = [uuid for uuid, row in rows.items() if row["file"].is_file()]
    assert 0 < len(on_disk) < len(rows)
    for uuid, row in rows.items():
        key, asset = by_uuid[uuid]
        if uuid in on_disk:
            assert (key, asset["missing"]) == (str(row["file"]), False), uuid
        else:
            assert (key, asset["missing"]) == (f"missing:{uuid}", True), uuid
        assert asset["library"] == str(bundle)
        for fact in ("favorite", "hidden", "in_trash", "original_name", "title", "keywords"):
            assert asset[fact] == row[fact], (uuid, fact)
    assert any(row["keywords"] for row in rows.values()) and any(row["in_trash"] for row in rows.values())
    assert any(row["title"] for row in rows.values()) and any(row["hidden"] for row in rows.values())


def test_the_reader_writes_nothing_into_the_bundle(library):
    """SQLite touches a database it only reads (its -shm file gets a new time); the reader opens a copy.

    Mutant: `osxphotos.PhotosDB(dbfile=bundle)` in read_photos_library (the bundle's own database
    opened, not the shadow copy) -> database/Photos.sqlite-shm's modification time changes and the
    test fails.
    """
    bundle, _ = library
    before = tree_digest(bundle)
    assert read_photos_library(str(bundle))
    assert tree_digest(bundle) == before
