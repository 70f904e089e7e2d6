"""Apple Photos libraries (`*.photoslibrary` bundles): what Photos knows of each original file.

Photos keeps its originals under `originals/` and tracks them in its database; moving a file
out from under it breaks the asset (edits, albums, keywords and faces point at nothing). So
this tool never moves a file inside a bundle. It reads the database with osxphotos (which
works on Linux as well as macOS) to learn each original's asset: UUID, favourite, albums,
keywords, title, people, edits, Recently Deleted, and whether the original is stored locally.

The database is read from a copy in a temporary folder (SQLite touches the files of a
database it opens, even only to read it, and nothing may be written inside the library).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

BUNDLE_SUFFIX = ".photoslibrary"
_DATABASE_FILES = ("Photos.sqlite", "Photos.sqlite-wal", "Photos.sqlite-shm", "photos.db", "metaSchema.db")

Asset = dict[str, Any]


def is_bundle(path: str) -> bool:
    return path.lower().endswith(BUNDLE_SUFFIX)


def bundle_of(path: str) -> str | None:
    """The `*.photoslibrary` bundle a path lies in, or None."""
    parts = path.split("/")
    for index in range(len(parts) - 1, 0, -1):
        if is_bundle(parts[index]):
            return "/".join(parts[: index + 1])
    return None


def database_stamp(bundle: str) -> list[list[Any]]:
    """Size and mtime of the database files: the catalog is read again only when they change."""
    stamp = []
    for name in _DATABASE_FILES:
        with contextlib.suppress(OSError):
            stat = os.stat(os.path.join(bundle, "database", name))
            stamp.append([name, stat.st_size, stat.st_mtime_ns])
    return stamp


@contextlib.contextmanager
def _shadow_library(bundle: str) -> Iterator[str]:
    """A temporary library holding a copy of the database and a link to the real originals."""
    with tempfile.TemporaryDirectory(prefix="photo-dedup-photos-") as tmp:
        shadow = os.path.join(tmp, "shadow" + BUNDLE_SUFFIX)
        os.makedirs(os.path.join(shadow, "database"))
        for name in _DATABASE_FILES:
            source = os.path.join(bundle, "database", name)
            if os.path.exists(source):
                shutil.copyfile(source, os.path.join(shadow, "database", name))
        os.symlink(os.path.join(bundle, "originals"), os.path.join(shadow, "originals"))
        yield shadow


def read_photos_library(bundle: str) -> dict[str, Asset]:
    """Every original file of a Photos library, by its real path, with what Photos knows of it.

    Assets whose original is not stored locally (iCloud) have no file; they are listed under
    the key "missing:<uuid>" so that they can be counted.

    Raises:
        OSError, ValueError: the database cannot be read (the caller reports it and goes on).
    """
    import osxphotos  # only runs where a Photos library is found

    logging.getLogger("osxphotos").setLevel(logging.ERROR)
    assets: dict[str, Asset] = {}
    with _shadow_library(bundle) as shadow:
        try:
            database = osxphotos.PhotosDB(dbfile=shadow)
        except Exception as error:  # noqa: BLE001 - osxphotos raises many kinds for a bad database
            raise ValueError(f"cannot read the Photos database of {bundle}: {error}") from error
        for photo in [*database.photos(), *database.photos(intrash=True)]:
            facts = _facts(photo, bundle)
            if photo.path:
                path = os.path.join(bundle, os.path.relpath(photo.path, shadow))
                assets[path] = facts
            else:
                assets[f"missing:{photo.uuid}"] = facts
    return dict(sorted(assets.items()))


def _facts(photo: Any, bundle: str) -> Asset:
    albums = [{"uuid": album.uuid, "title": album.title or ""} for album in photo.album_info or []]
    return {
        "library": bundle,
        "uuid": photo.uuid,
        "original_name": photo.original_filename or "",
        "favorite": bool(photo.favorite),
        "hidden": bool(photo.hidden),
        "in_trash": bool(photo.intrash),
        "missing": bool(photo.ismissing) or not photo.path,
        "albums": albums,
        "keywords": sorted(photo.keywords or []),
        "title": photo.title or "",
        "description": photo.description or "",
        "persons": sorted(person for person in photo.persons or [] if person and not person.startswith("_")),
        "edited": bool(photo.hasadjustments),
        "raw_pair": bool(photo.has_raw),
        "live_photo": bool(photo.live_photo),
    }


def curation_count(asset: Mapping[str, Any]) -> int:
    """How much the user has put into an asset: albums, keywords, people, title, caption."""
    return (
        len(asset["albums"])
        + len(asset["keywords"])
        + len(asset["persons"])
        + bool(asset["title"])
        + bool(asset["description"])
    )


def describe_curation(asset: Mapping[str, Any]) -> str:
    """The user's curation of an asset in words, for the keeper's reason."""
    parts = []
    if asset["edited"]:
        parts.append("edited")
    if asset["favorite"]:
        parts.append("favourite")
    for key, word in (("albums", "album"), ("keywords", "keyword"), ("persons", "person")):
        if asset[key]:
            parts.append(f"{len(asset[key])} {word}{'s' if len(asset[key]) > 1 else ''}")
    if asset["title"]:
        parts.append("title")
    return ", ".join(parts)


def catalog_libraries(bundles: list[str], previous: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The catalog of every bundle ({bundle: {"stamp", "assets"}}), reusing unchanged ones.

    Returns:
        The catalog and one note per library that could not be read.
    """
    catalog: dict[str, Any] = {}
    notes: list[str] = []
    for bundle in bundles:
        stamp = database_stamp(bundle)
        known = previous.get(bundle)
        if known and known.get("stamp") == stamp:
            catalog[bundle] = known
            continue
        try:
            assets = read_photos_library(bundle)
        except (OSError, ValueError) as error:
            notes.append(f"Apple Photos library {bundle} could not be read ({error}); its files stay untouched")
            assets = {}
        catalog[bundle] = {"stamp": stamp, "assets": assets}
    return catalog, notes


def assets_by_path(catalog: dict[str, Any]) -> dict[str, Asset]:
    """Every asset with a local original, by the original's path."""
    return {
        path: asset
        for library in catalog.values()
        for path, asset in library["assets"].items()
        if not path.startswith("missing:")
    }


def under_bundle(path: str | Path) -> bool:
    """True for any path inside a Photos library bundle (never moved or deleted by this tool)."""
    return bundle_of(str(path)) is not None
