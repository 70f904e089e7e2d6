"""Apple Photos libraries (`*.photoslibrary` bundles): what Photos knows of each original file.

Photos keeps its originals under `originals/` and tracks them in its database; moving a file
out from under it breaks the asset (edits, albums, keywords and faces point at nothing). So
this tool never moves a file inside a bundle. It reads the database with osxphotos (which
works on Linux as well as macOS) to learn each original's asset: UUID, favourite, albums,
keywords, title, people, edits, Recently Deleted, and whether the original is stored locally.

The database is read from a copy in a temporary folder (SQLite touches the files of a
database it opens, even only to read it, and nothing may be written inside the library).

An asset's original need not lie in the bundle: with "Copy items to the Photos library" off,
Photos keeps a *referenced* original where it was imported from. It is an asset all the same,
listed under its real path (the path the scan finds it by), and never moved by this tool either.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import shutil
import tempfile
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

BUNDLE_SUFFIX = ".photoslibrary"
_DATABASE_FILES = ("Photos.sqlite", "Photos.sqlite-wal", "Photos.sqlite-shm", "photos.db", "metaSchema.db")
# How a catalog is made from a database; part of its stamp, so that a catalog made by an older
# version is read again. 2: referenced originals under their real path.
CATALOG_FORMAT = 2

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
    """Size and mtime of the database files (and the catalog format): the catalog is read again
    only when they change."""
    stamp: list[list[Any]] = [["catalog format", CATALOG_FORMAT]]
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
        # an absolute target: a relative one would be read from inside the temporary folder
        os.symlink(os.path.join(os.path.abspath(bundle), "originals"), os.path.join(shadow, "originals"))
        yield shadow


def read_photos_library(bundle: str) -> dict[str, Asset]:
    """Every original file of a Photos library, by its real path, with what Photos knows of it.

    Assets whose original is not stored locally (iCloud, or a referenced file not on this disk)
    have no file; they are listed under the key "missing:<uuid>" so that they can be counted.

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
        listing = functools.cache(_names_in)  # folders of referenced originals, listed once
        for photo in [*database.photos(), *database.photos(intrash=True)]:
            path = original_path(photo, shadow, bundle, listing)
            assets[path or f"missing:{photo.uuid}"] = {**_facts(photo, bundle), "missing": path is None}
    return dict(sorted(assets.items()))


def original_path(
    photo: Any, shadow: str, bundle: str, listing: Callable[[str], frozenset[str]] | None = None
) -> str | None:
    """Where an asset's original lies, as the scan lists it, or None when it is not on disk.

    `photo` is osxphotos' PhotoInfo for the shadow library `shadow` of `bundle`. An original in
    the library is reached through the shadow: its path is rebuilt under the real bundle. A
    referenced original lies outside: it is listed under its real path (links resolved, each
    name spelled as its folder lists it; see `on_disk_spelling`).
    """
    path = photo.path or (recorded_path(photo) if photo.isreference else None)
    if not path:
        return None
    if path.startswith(shadow.rstrip("/") + "/"):
        return os.path.join(bundle, os.path.relpath(path, shadow))
    return on_disk_spelling(path, listing) if os.path.isfile(path) else None


def recorded_path(photo: Any) -> str | None:
    """The path the database records for a referenced original (its folder and file name).

    osxphotos gives no `path` for an asset its database flags as missing, and for a referenced
    file that flag says nothing about the disk (osxphotos issues #108 and #883: it stays "there"
    when the file is gone, and the sample library's referenced originals are flagged missing).
    So the recorded place is looked at here; whether a file is there decides.
    """
    info = getattr(photo, "_info", None)  # osxphotos has no public name for the recorded folder
    if not isinstance(info, dict):
        return None
    folder, name = info.get("directory"), info.get("filename")
    if isinstance(folder, str) and folder.startswith("/") and isinstance(name, str) and name:
        return os.path.join(folder, name)
    return None


def on_disk_spelling(path: str, listing: Callable[[str], frozenset[str]] | None = None) -> str:
    """`path` with its links resolved and each name spelled as its folder lists it.

    A Mac's file system finds a name given in another Unicode form or case (osxphotos gives names
    composed, NFC; an HFS+ disk stores them decomposed), but the scan lists the folder's own
    spelling, and a Photos asset must be found under the path the scan gives its file.

    Args:
        path: an existing file.
        listing: the names in a folder (a cached `_names_in` when many paths are spelled).
    """
    names_in = listing or _names_in
    spelled = "/"
    for name in os.path.realpath(path).split("/"):
        if name:
            spelled = os.path.join(spelled, _listed_name(spelled, name, names_in(spelled)))
    return spelled


def _names_in(folder: str) -> frozenset[str]:
    try:
        return frozenset(os.listdir(folder))
    except OSError:
        return frozenset()


def _listed_name(folder: str, name: str, names: frozenset[str]) -> str:
    """The name `folder` lists for the file `name` reaches (the same file, spelled another way)."""
    if name in names:
        return name
    wanted = unicodedata.normalize("NFC", name).casefold()
    with contextlib.suppress(OSError):
        target = os.stat(os.path.join(folder, name))
        for listed in sorted(names):
            if unicodedata.normalize("NFC", listed).casefold() == wanted and os.path.samestat(
                os.stat(os.path.join(folder, listed)), target
            ):
                return listed
    return name


def _facts(photo: Any, bundle: str) -> Asset:
    albums = [{"uuid": album.uuid, "title": album.title or ""} for album in photo.album_info or []]
    return {
        "library": bundle,
        "uuid": photo.uuid,
        "original_name": photo.original_filename or "",
        "favorite": bool(photo.favorite),
        "hidden": bool(photo.hidden),
        "in_trash": bool(photo.intrash),
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
