"""What each photo knows about itself, fact by fact, with the source of each fact.

The sources: the EXIF/IPTC/XMP inside the file and the editors' XMP sidecars beside it (both read
with ExifTool), its Google Takeout JSON, and its Apple Photos asset. The facts: capture time (with
its offset when known), GPS position, camera, title, caption, copyright, keywords, people and rating (a
favourite counts as a rating of 5 stars). `inheritance` compares them across a group.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from photo_dedup.cache.atomic import write_text
from photo_dedup.scan.companion_files import read_takeout

log = logging.getLogger(__name__)

SINGLE_FIELDS = ("taken", "gps", "camera", "title", "caption", "rights", "rating")
LIST_FIELDS = ("keywords", "people")
FIELDS = ("taken", "gps", "camera", "title", "caption", "rights", "keywords", "people", "rating")
WORDS = {
    "taken": "capture time",
    "gps": "GPS",
    "camera": "camera",
    "title": "title",
    "caption": "caption",
    "rights": "copyright",
    "keywords": "keywords",
    "people": "people",
    "rating": "rating",
}
FAVOURITE_RATING = 5

# The tags read, in order of preference for each fact (ExifTool's family-1 group names).
# XMP-xmp:CreateDate too: a file whose only capture time it is had read as lacking one, and inherited
# a copy's 1919 (the hostile try, photoprism's dog_created_1919.jpg)
_TIME_TAGS = ("XMP-exif:DateTimeOriginal", "XMP-photoshop:DateCreated", "ExifIFD:CreateDate", "XMP-xmp:CreateDate")
_LATITUDE_TAGS = ("Composite:GPSLatitude", "XMP-exif:GPSLatitude")
_LONGITUDE_TAGS = ("Composite:GPSLongitude", "XMP-exif:GPSLongitude")
_TITLE_TAGS = ("XMP-dc:Title", "IPTC:ObjectName")
_CAPTION_TAGS = ("XMP-dc:Description", "IPTC:Caption-Abstract", "IFD0:ImageDescription")
_KEYWORD_TAGS = ("XMP-dc:Subject", "IPTC:Keywords")
_PEOPLE_TAGS = ("XMP-iptcExt:PersonInImage", "XMP-mwg-rs:RegionName", "XMP-MP:RegionPersonDisplayName")
_RATING_TAGS = ("XMP-xmp:Rating", "IFD0:Rating")
_RIGHTS_TAGS = ("XMP-dc:Rights", "IFD0:Copyright", "IPTC:CopyrightNotice")
_READ_TAGS = (
    "-DateTimeOriginal",
    "-OffsetTimeOriginal",
    "-CreateDate",
    "-DateCreated",
    "-GPSLatitude",
    "-GPSLongitude",
    "-Make",
    "-Model",
    "-Title",
    "-ObjectName",
    "-Description",
    "-Caption-Abstract",
    "-ImageDescription",
    "-Subject",
    "-Keywords",
    "-PersonInImage",
    "-RegionName",
    "-RegionPersonDisplayName",
    "-Rating",
    "-Rights",
    "-Copyright",
    "-CopyrightNotice",
)
_BATCH = 400  # paths per ExifTool process (command lines stay short)
_EXIF_TIME = re.compile(r"^(\d{4}):(\d\d):(\d\d) (\d\d):(\d\d):(\d\d)(?:\.\d+)?(Z|[+-]\d\d:\d\d)?$")

IN_FILE = "in the file"
XMP_SIDECAR = "XMP sidecar"
TAKEOUT = "Takeout JSON"
APPLE_PHOTOS = "Apple Photos"


@dataclass(frozen=True)
class Fact:
    """One thing a photo knows, and where it is written.

    `value` is a text (time as "YYYY-MM-DDTHH:MM:SS" plus "+HH:MM" when the offset is known, title,
    caption), a (latitude, longitude) or (make, model) pair, an int (rating), a tuple of texts
    (keywords, people), or None for a fact known to be there whose value could not be read.
    """

    field: str
    value: Any
    kind: str  # IN_FILE, XMP_SIDECAR, TAKEOUT, APPLE_PHOTOS
    source: str  # the file that holds it (the photo, its sidecar or JSON), or the Photos library


def exiftool() -> str | None:
    """The ExifTool program, or None when it is not installed."""
    return shutil.which("exiftool")


def _read_batch(program: str, batch: Sequence[str]) -> list[Any]:
    command = [program, "-j", "-n", "-G1", "-q", "-q", "-m", "-fast", *_READ_TAGS, *batch]
    try:
        done = subprocess.run(command, capture_output=True, timeout=600, check=False)
        records = json.loads(done.stdout.decode("utf-8", "surrogateescape") or "[]")
    except (OSError, subprocess.TimeoutExpired, ValueError) as error:
        log.warning("exiftool could not read %d files: %s", len(batch), error)
        return []
    return records if isinstance(records, list) else []


def read_with_exiftool(paths: Sequence[str], program: str) -> dict[str, dict[str, Any]]:
    """The tags ExifTool reads from each file (photos and XMP sidecars alike), one ExifTool per
    core at a time; a file it cannot read is left out."""
    batches = [list(paths[start : start + _BATCH]) for start in range(0, len(paths), _BATCH)]
    found: dict[str, dict[str, Any]] = {}
    with ThreadPoolExecutor(max_workers=max(1, min(len(batches), os.cpu_count() or 1))) as pool:
        for records in pool.map(lambda batch: _read_batch(program, batch), batches):
            for record in records:
                if isinstance(record, dict) and isinstance(record.get("SourceFile"), str):
                    found[record["SourceFile"]] = record
    return found


def _well_formed(entry: Any) -> bool:
    """A cache entry as TagCache writes it: [size, mtime_ns, tags]."""
    return (
        isinstance(entry, list)
        and len(entry) == 3
        and all(isinstance(n, int) for n in entry[:2])
        and isinstance(entry[2], dict)
    )


class TagCache:
    """ExifTool's tags of each file, remembered with the size and mtime they were read at (one JSON
    file, written whole), so a rerun reads only files that changed. Without `path` it remembers
    nothing; a missing or damaged file is an empty cache."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        try:
            known = json.loads(Path(path).read_text(encoding="utf-8")) if path else {}
        except (OSError, ValueError):
            known = {}
        entries = known.items() if isinstance(known, dict) else ()
        self.known: dict[str, Any] = {path: entry for path, entry in entries if _well_formed(entry)}
        self.used: dict[str, Any] = {}

    def read(self, paths: Sequence[str], program: str) -> dict[str, dict[str, Any]]:
        """Each readable file's tags, from the cache where the file is unchanged."""
        stats: dict[str, list[int]] = {}
        for path in paths:
            try:
                stat = os.stat(path)
            except OSError:
                continue
            stats[path] = [stat.st_size, stat.st_mtime_ns]
        stale = {path for path, stamp in stats.items() if (self.known.get(path) or [None, None])[:2] != stamp}
        fresh = read_with_exiftool(sorted(stale), program) if stale else {}
        for path, stamp in stats.items():
            self.used[path] = [*stamp, fresh.get(path, {})] if path in stale else self.known[path]
        return {path: entry[2] for path, entry in self.used.items() if isinstance(entry[2], dict)}

    def save(self) -> None:
        """Write the entries of this run's files (others drop out)."""
        if self.path and self.used != self.known:
            write_text(self.path, json.dumps(self.used, sort_keys=True, ensure_ascii=False), errors="surrogateescape")


def _first(tags: Mapping[str, Any], names: Iterable[str]) -> Any:
    for name in names:
        value = tags.get(name)
        if value not in (None, "", []):
            return value
    return None


def _clean(value: Any) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    value = value.strip("\x00 \t\r\n")
    return value or None


def _texts(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    return tuple(dict.fromkeys(text for item in items if (text := _clean(item)) is not None))


def iso_time(value: Any, offset: Any = None) -> str | None:
    """An EXIF/XMP time ("2020:05:01 14:00:00", maybe with its offset) as ISO text, or None."""
    text = _clean(value)
    match = _EXIF_TIME.match(text) if text else None
    if match is None or match[1] == "0000":
        return None
    zone = match[7] or _clean(offset) or ""
    zone = "+00:00" if zone == "Z" else zone if re.fullmatch(r"[+-](0\d|1[0-4]):[0-5]\d", zone) else ""
    text = f"{match[1]}-{match[2]}-{match[3]}T{match[4]}:{match[5]}:{match[6]}{zone}"
    try:
        datetime.fromisoformat(text)
    except ValueError:  # month 13, 25 o'clock: not a time
        return None
    return text


def tag_facts(tags: Mapping[str, Any], kind: str, source: str) -> list[Fact]:
    """The facts in one file's ExifTool tags."""
    facts: list[Fact] = []

    def add(field: str, value: Any) -> None:
        if value not in (None, "", ()):
            facts.append(Fact(field, value, kind, source))

    taken = iso_time(tags.get("ExifIFD:DateTimeOriginal"), tags.get("ExifIFD:OffsetTimeOriginal"))
    add("taken", taken or iso_time(_first(tags, _TIME_TAGS)))
    latitude, longitude = _first(tags, _LATITUDE_TAGS), _first(tags, _LONGITUDE_TAGS)
    if isinstance(latitude, (int, float)) and isinstance(longitude, (int, float)) and (latitude or longitude):
        add("gps", (round(float(latitude), 6), round(float(longitude), 6)))
    make = _clean(_first(tags, ("IFD0:Make", "XMP-tiff:Make")))
    model = _clean(_first(tags, ("IFD0:Model", "XMP-tiff:Model")))
    if make or model:
        add("camera", (make or "", model or ""))
    add("title", _clean(_first(tags, _TITLE_TAGS)))
    add("caption", _clean(_first(tags, _CAPTION_TAGS)))
    add("rights", _clean(_first(tags, _RIGHTS_TAGS)))
    add("keywords", _texts([word for name in _KEYWORD_TAGS for word in _texts(tags.get(name))]))
    add("people", _texts([name for tag in _PEOPLE_TAGS for name in _texts(tags.get(tag))]))
    rating = _first(tags, _RATING_TAGS)
    if isinstance(rating, (int, float)) and not isinstance(rating, bool) and int(rating) != 0:
        add("rating", int(rating))
    return facts


def takeout_facts(path: str) -> list[Fact]:
    """The facts in a Google Takeout JSON (its time is UTC)."""
    known = read_takeout(path)
    facts = []
    if isinstance(known.get("taken"), str):
        facts.append(Fact("taken", f"{known['taken']}+00:00", TAKEOUT, path))
    latitude, longitude = known.get("latitude"), known.get("longitude")
    if isinstance(latitude, (int, float)) and isinstance(longitude, (int, float)):
        facts.append(Fact("gps", (round(float(latitude), 6), round(float(longitude), 6)), TAKEOUT, path))
    if known.get("description"):
        facts.append(Fact("caption", str(known["description"]).strip(), TAKEOUT, path))
    if known.get("people"):
        facts.append(Fact("people", _texts(known["people"]), TAKEOUT, path))
    if known.get("favorite") is True:
        facts.append(Fact("rating", FAVOURITE_RATING, TAKEOUT, path))
    return facts


def asset_facts(asset: Mapping[str, Any]) -> list[Fact]:
    """The facts in an Apple Photos asset's catalog entry."""
    source = str(asset.get("library", ""))
    facts = []
    for field, key in (("title", "title"), ("caption", "description")):
        if _clean(asset.get(key)):
            facts.append(Fact(field, _clean(asset.get(key)), APPLE_PHOTOS, source))
    for field, key in (("keywords", "keywords"), ("people", "persons")):
        if _texts(asset.get(key) or []):
            facts.append(Fact(field, _texts(asset.get(key) or []), APPLE_PHOTOS, source))
    if asset.get("favorite"):
        facts.append(Fact("rating", FAVOURITE_RATING, APPLE_PHOTOS, source))
    return facts


def xmp_sidecars(companions: Iterable[Sequence[str]]) -> list[str]:
    """The editors' XMP sidecars among a photo's companions (NAME.xmp and NAME.EXT.xmp)."""
    return [path for kind, path in companions if kind == "edits" and path.lower().endswith(".xmp")]


def time_instant(value: str) -> tuple[datetime, bool]:
    """A time's clock reading in UTC when its offset is known (True), else its local reading."""
    clock = datetime.fromisoformat(value[:19])
    if len(value) > 19:
        sign = -1 if value[19] == "-" else 1
        hours, minutes = int(value[20:22]), int(value[23:25])
        return clock - sign * timedelta(hours=hours, minutes=minutes), True
    return clock, False
