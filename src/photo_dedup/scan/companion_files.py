"""Files that belong to a photo and go where it goes: one concept for every kind.

- `video`: a Live Photo's video, same folder and name (IMG_1.HEIC + IMG_1.MOV);
- `edits`: an editor's sidecar holding the user's edits: XMP (`IMG_1.CR2.xmp` as darktable and
  digiKam write it, `IMG_1.xmp` as Lightroom, Capture One and Bridge do), Apple's `IMG_1.AAE`,
  RawTherapee's `IMG_1.CR2.pp3`, DxO's `IMG_1.CR2.dop`;
- `takeout`: a Google Takeout JSON sidecar (`IMG_1.jpg.json`, `IMG_1.jpg.supplemental-metadata.json`),
  with Google's quirks: names cut to 46-51 characters, `IMG_1(1).jpg` described by
  `IMG_1.jpg(1).json`, and `IMG_1-edited.jpg` sharing `IMG_1.jpg.json` with its original.

They are found per folder by name, at scan time, case-insensitively. A companion moves into the
quarantine with a removed photo, and comes back on restore, unless a photo that stays uses it too.
(RAW+JPEG pairs are the other kind of "files that belong together": both are photos, so they are
handled as a keeper policy in `choose.kept_together.raw_jpeg_pair_kept`.)
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable

EDIT_SUFFIXES_AFTER_NAME = (".xmp", ".pp3", ".dop")  # IMG_1.CR2.xmp
EDIT_SUFFIXES_AFTER_STEM = (".xmp", ".aae")  # IMG_1.xmp, IMG_1.AAE
SIDECAR_SUFFIXES = frozenset({".xmp", ".pp3", ".dop", ".aae", ".json"})
_SUPPLEMENTAL = ".supplemental-metadata"
_NUMBERED = re.compile(r"^(?P<stem>.*)\((?P<number>\d+)\)$")
# Google cuts a sidecar's name (before ".json" and any "(n)"), usually to 46 characters; shorter cuts
# are looked for too, and any cut name counts only when the JSON's own "title" names the photo.
_SHORTEST_CUT = 30


def is_sidecar_name(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in SIDECAR_SUFFIXES


def _takeout_names(photo_name: str) -> tuple[list[str], list[str]]:
    """JSON names (lower case) that may describe a photo: exact ones, and ones cut short by Google."""
    stem, ext = os.path.splitext(photo_name)
    numbered = _NUMBERED.match(stem)
    number = f"({numbered['number']})" if numbered else ""
    stem = numbered["stem"] if numbered else stem
    media = [stem + ext]
    if stem.lower().endswith("-edited"):
        media.append(stem[: -len("-edited")] + ext)  # an edited copy shares its original's JSON
    exact: list[str] = []
    cut: list[str] = []
    for name in media:
        for full in (name, name + _SUPPLEMENTAL):
            exact.append((full + number + ".json").lower())
            cut.extend((full[:length] + number + ".json").lower() for length in range(_SHORTEST_CUT, len(full)))
    return exact, cut


def _describes(json_path: str, photo_name: str) -> bool:
    """Whether a Takeout JSON's own "title" names the photo (used for names Google cut short)."""
    try:
        with open(json_path, encoding="utf-8") as handle:
            title = json.load(handle).get("title", "")
    except (OSError, ValueError, AttributeError):
        return False
    stem, ext = os.path.splitext(photo_name)
    numbered = _NUMBERED.match(stem)
    plain = (numbered["stem"] if numbered else stem) + ext
    edited_of = plain[: -len("-edited" + ext)] + ext if plain.lower().endswith("-edited" + ext.lower()) else plain
    return isinstance(title, str) and title.lower() in (plain.lower(), edited_of.lower())


def find_companions(folder: str, photos: Iterable[str], others: dict[str, str]) -> dict[str, list[list[str]]]:
    """The companions of each photo in one folder.

    Args:
        folder: the folder's path.
        photos: the names of the photos in it.
        others: lower-case name -> name of its other files (videos and sidecars).

    Returns:
        photo path -> [[kind, companion path], ...], for photos that have any.
    """
    videos: dict[str, str] = {}
    for lower, name in others.items():
        stem, ext = os.path.splitext(lower)
        if ext not in SIDECAR_SUFFIXES:
            videos.setdefault(stem, name)
    found: dict[str, list[list[str]]] = {}
    for photo in photos:
        stem, _ = os.path.splitext(photo)
        files: list[list[str]] = []
        video = videos.get(stem.lower())
        if video is not None:
            files.append(["video", os.path.join(folder, video)])
        edits = [photo.lower() + suffix for suffix in EDIT_SUFFIXES_AFTER_NAME]
        edits += [stem.lower() + suffix for suffix in EDIT_SUFFIXES_AFTER_STEM]
        files.extend(["edits", os.path.join(folder, others[name])] for name in dict.fromkeys(edits) if name in others)
        exact, cut = _takeout_names(photo)
        for name in dict.fromkeys(exact):
            if name in others:
                files.append(["takeout", os.path.join(folder, others[name])])
        if not any(kind == "takeout" for kind, _ in files):
            for name in dict.fromkeys(cut):
                if name in others and _describes(os.path.join(folder, others[name]), photo):
                    files.append(["takeout", os.path.join(folder, others[name])])
                    break
        if files:
            found[os.path.join(folder, photo)] = files
    return found


# Google Photos names the user's own edit NAME-edited.EXT in a Takeout, in the language of the
# account (the suffixes below are Takeout's own, as users report them).
EDITED_SUFFIXES = ("-edited", "-bearbeitet", "-modifié", "-editado", "-modificato", "-bewerkt", "-redigerad")


def google_edits(paths: list[str]) -> list[bool]:
    """For each path, whether it is Google Photos' edit of a photo beside it (NAME-edited.jpg in the
    folder of NAME.jpg): an edit of that photo and so of every copy of it, wherever they lie."""
    stems = {os.path.split(path)[0] + "/" + os.path.splitext(os.path.basename(path))[0].lower() for path in paths}
    found = []
    for path in paths:
        folder, name = os.path.split(path)
        stem = os.path.splitext(name)[0].lower()
        found.append(
            any(stem.endswith(suffix) and f"{folder}/{stem[: -len(suffix)]}" in stems for suffix in EDITED_SUFFIXES)
        )
    return found


def read_takeout(path: str) -> dict[str, object]:
    """What a Google Takeout JSON knows of its photo: capture time (UTC), GPS (`has_gps`, and its
    `latitude` and `longitude`), caption, people, and whether it is a favourite.

    Returns an empty dict when the file cannot be read; missing or zero values are left out.
    """
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except (OSError, ValueError):
        return {}
    if not isinstance(document, dict):
        return {}
    facts: dict[str, object] = {}
    taken = document.get("photoTakenTime")
    timestamp = taken.get("timestamp") if isinstance(taken, dict) else None
    if isinstance(timestamp, (str, int)) and str(timestamp).isdigit() and 0 < int(timestamp) < 253402300800:
        from datetime import UTC, datetime  # before year 10000: a time datetime can hold

        facts["taken"] = datetime.fromtimestamp(int(timestamp), UTC).strftime("%Y-%m-%dT%H:%M:%S")
    for key in ("geoData", "geoDataExif"):
        geo = document.get(key)
        if isinstance(geo, dict) and (geo.get("latitude") or geo.get("longitude")) and "has_gps" not in facts:
            facts["has_gps"] = True
            for name in ("latitude", "longitude"):
                if isinstance(geo.get(name), (int, float)) and not isinstance(geo.get(name), bool):
                    facts[name] = float(geo[name])
    if isinstance(document.get("description"), str) and document["description"]:
        facts["description"] = document["description"]
    if document.get("favorited") is True:
        facts["favorite"] = True
    people = document.get("people")
    if isinstance(people, list):
        names = [person.get("name") for person in people if isinstance(person, dict)]
        if any(names):
            facts["people"] = [name for name in names if isinstance(name, str) and name]
    return facts
