"""What the kept photo of a group inherits from the copies that go: the union of what they know.

For each group with removed copies, every fact its members hold (see `known_facts`) is compared:
a fact the kept photo lacks and the removed copies agree on is inherited (`inherits`, and in
groups.json `inherit`: the values and the XMP sidecar the deletion script writes them into); two
copies that disagree (two capture times, two captions) make a conflict, listed and never written.
Keywords and people are lists: the kept photo inherits the names it lacks.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from photo_dedup.apple_photos.catalog import under_bundle
from photo_dedup.cache.digests import file_digest
from photo_dedup.choose.keeper import present
from photo_dedup.metadata.known_facts import (
    IN_FILE,
    LIST_FIELDS,
    SINGLE_FIELDS,
    WORDS,
    XMP_SIDECAR,
    Fact,
    TagCache,
    asset_facts,
    exiftool,
    tag_facts,
    takeout_facts,
    time_instant,
    xmp_sidecars,
)
from photo_dedup.shapes import Group

log = logging.getLogger(__name__)

_GPS_TOLERANCE = 0.001  # degrees (about 100 m): Takeout's geoData and the EXIF of one photo differ a little
_QUARTER_HOUR = 15 * 60
_MOST_OFFSET = 14 * 3600


@dataclass
class Inheritance:
    """What one kept photo inherits (field -> value), from which facts, and the conflicts."""

    values: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, list[Fact]] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)
    lacks: list[str] = field(default_factory=list)


def _same_time(a: str, b: str) -> bool:
    """Two capture times of one moment: equal where both offsets (or neither) are known; a local
    time and a UTC one (Takeout's) agree when they differ by a time zone (whole quarter hours)."""
    (first, first_zoned), (second, second_zoned) = time_instant(a), time_instant(b)
    gap = abs((first - second).total_seconds())
    if first_zoned == second_zoned:
        return gap == 0
    return gap % _QUARTER_HOUR == 0 and gap <= _MOST_OFFSET


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def agree(name: str, a: Any, b: Any) -> bool:
    """Whether two values of one field say the same (None: there, unread: agrees with anything)."""
    if a is None or b is None:
        return True
    if name == "taken":
        return _same_time(a, b)
    if name == "gps":
        return bool(abs(a[0] - b[0]) <= _GPS_TOLERANCE and abs(a[1] - b[1]) <= _GPS_TOLERANCE)
    if name == "camera":
        return _plain(" ".join(a)) == _plain(" ".join(b))
    if isinstance(a, str) and isinstance(b, str):
        return _plain(a) == _plain(b)
    return bool(a == b)


def _clusters(name: str, facts: Sequence[Fact]) -> list[list[Fact]]:
    """Facts grouped so that all facts in a group agree with each other."""
    clusters: list[list[Fact]] = []
    for fact in facts:
        home = next((c for c in clusters if all(agree(name, fact.value, o.value) for o in c)), None)
        if home is None:
            clusters.append([fact])
        else:
            home.append(fact)
    return clusters


def _best(name: str, cluster: Sequence[Fact]) -> Any:
    """The value to write from facts that agree: a time with its offset over one without."""
    values = [fact.value for fact in cluster if fact.value is not None]
    if name == "taken":
        values.sort(key=lambda value: len(value) <= 19)
    return values[0] if values else None


def shown(name: str, value: Any) -> str:
    """A value for people."""
    if value is None:
        return "(present, not read)"
    if name == "taken":
        return str(value).replace("T", " ")
    if name == "gps":
        return f"{value[0]:.6f}, {value[1]:.6f}"
    if name in LIST_FIELDS:
        return ", ".join(value)
    if name == "camera":
        return " ".join(part for part in value if part)
    if name == "rating":
        return f"{value} star{'s' if value != 1 else ''}"
    return f"“{value}”"


def _origin(facts: Sequence[Fact]) -> str:
    """Where facts come from: a file's path, or its kind and path ("XMP sidecar /x.jpg.xmp")."""
    return ", ".join(
        dict.fromkeys(fact.source if fact.kind == IN_FILE else f"{fact.kind} {fact.source}" for fact in facts)
    )


def inherit(keeper: Sequence[Fact], removed: Sequence[Fact]) -> Inheritance:
    """What a kept photo holding `keeper` inherits from removed copies holding `removed`."""
    result = Inheritance()
    for name in SINGLE_FIELDS:
        kept = [fact for fact in keeper if fact.field == name]
        going = [fact for fact in removed if fact.field == name]
        clusters = _clusters(name, kept + going)
        if len(clusters) > 1:
            sides = " vs ".join(f"{shown(name, _best(name, c))} ({_origin(c)})" for c in clusters)
            outcome = "the kept photo's stays" if kept else "none written"
            result.conflicts.append(f"{WORDS[name]}: {sides}; {outcome}")
        if kept or not going:
            continue
        result.lacks.append(WORDS[name])
        value = _best(name, clusters[0]) if len(clusters) == 1 else None
        if value is not None:
            result.values[name] = list(value) if isinstance(value, tuple) else value
            result.sources[name] = clusters[0]
    for name in LIST_FIELDS:
        have = {_plain(item) for fact in keeper if fact.field == name for item in fact.value}
        new: dict[str, str] = {}
        givers: list[Fact] = []
        for fact in removed:
            if fact.field != name:
                continue
            fresh = [item for item in fact.value if _plain(item) not in have]
            for item in fresh:
                new.setdefault(_plain(item), item)
            if fresh:
                givers.append(fact)
        if new:
            result.lacks.append(WORDS[name])
            result.values[name] = sorted(new.values(), key=_plain)
            result.sources[name] = givers
    return result


def inherits_text(result: Inheritance) -> str:
    """What a kept photo inherits, in words, each fact with where it comes from."""
    return "; ".join(
        f"{WORDS[name]} {shown(name, value)} from {_origin(result.sources[name])}"
        for name, value in result.values.items()
    )


def sidecar_of(photo: str, companions: Sequence[Sequence[str]]) -> str:
    """Where a photo's inherited facts go: NAME.EXT.xmp (darktable's and digiKam's convention), the
    one already there in whatever case, else a new one."""
    wanted = os.path.basename(photo).lower() + ".xmp"
    for path in xmp_sidecars(companions):
        if os.path.basename(path).lower() == wanted and os.path.dirname(path) == os.path.dirname(photo):
            return path
    return photo + ".xmp"


class FactReader:
    """Each member's facts from its file, its XMP sidecars, its Takeout JSON and its Photos asset."""

    def __init__(
        self,
        paths: Sequence[str],
        companions: Mapping[str, Sequence[Sequence[str]]],
        assets: Mapping[str, Mapping[str, Any]],
        program: str | None,
        cache: TagCache,
    ) -> None:
        self.companions, self.assets = companions, assets
        files = list(dict.fromkeys([*paths, *(s for p in paths for s in xmp_sidecars(companions.get(p, [])))]))
        self.tags = cache.read(files, program) if program and files else {}
        self.read_files = program is not None

    def facts(self, path: str, row: Mapping[Any, Any]) -> list[Fact]:
        files = self.companions.get(path, [])
        if self.read_files:
            found = tag_facts(self.tags.get(path, {}), IN_FILE, path)
            for sidecar in xmp_sidecars(files):
                found += tag_facts(self.tags.get(sidecar, {}), XMP_SIDECAR, sidecar)
        else:  # what the scan's own EXIF reading kept
            found = [Fact("taken", row["taken"], IN_FILE, path)] if present(row.get("taken")) else []
            found += [Fact("camera", ("", row["camera"]), IN_FILE, path)] if present(row.get("camera")) else []
            found += [Fact("gps", None, IN_FILE, path)] if present(row.get("gps")) else []
        for kind, file in files:
            if kind == "takeout":
                found += takeout_facts(file)
        if path in self.assets:
            found += asset_facts(self.assets[path])
        return found


def with_inheritance(
    groups: Sequence[Group],
    companions: Mapping[str, Sequence[Sequence[str]]],
    assets: Mapping[str, Mapping[str, Any]],
    program: str | None = None,
    find_exiftool: bool = True,
    tag_cache: str | None = None,
) -> None:
    """Set `inherits`, `metadata_conflicts` and `inherit` on the keeper of each group that loses a
    copy, and make its `keeper_lacks` count captions, people, keywords, title and rating too.
    `tag_cache` is a file that remembers ExifTool's readings across runs."""
    program = program or (exiftool() if find_exiftool else None)
    losing = [group for group in groups if not all(member["keep"] for member in group.members)]
    if program is None and losing:
        log.warning("exiftool is not installed: metadata inside the files and XMP sidecars was not compared")
    cache = TagCache(tag_cache)
    reader = FactReader(
        [member["path"] for group in losing for member in group.members], companions, assets, program, cache
    )
    cache.save()
    for group in losing:
        keeper = group.keeper
        kept = reader.facts(keeper["path"], keeper)
        removed = [
            fact for member in group.others if not member["keep"] for fact in reader.facts(member["path"], member)
        ]
        result = inherit(kept, removed)
        words = [word for word in keeper["keeper_lacks"].split(", ") if word]
        keeper["keeper_lacks"] = ", ".join(dict.fromkeys([*words, *result.lacks]))
        keeper["inherits"] = inherits_text(result)
        keeper["metadata_conflicts"] = "\n".join(result.conflicts)
        if result.values:
            keeper["inherit"] = _plan(keeper["path"], keeper, result, companions)


def _plan(path: str, keeper: Mapping[Any, Any], result: Inheritance, companions: Mapping[str, Any]) -> dict[str, Any]:
    """groups.json's `inherit`: the values, and the sidecar they go into with its SHA-256 now ("" if
    there is none yet; no sidecar for an Apple Photos asset, which the AppleScript updates)."""
    in_photos = bool(keeper.get("photos_uuid")) or under_bundle(path)
    sidecar = "" if in_photos else sidecar_of(path, companions.get(path, []))
    digest = ""
    if sidecar and os.path.lexists(sidecar):
        try:
            digest = file_digest(sidecar)
        except OSError:
            sidecar = ""  # a sidecar that cannot be read is never replaced
    return {"values": result.values, "sidecar": sidecar, "sidecar_digest": digest}
