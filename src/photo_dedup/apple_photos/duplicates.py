"""Duplicate groups that hold Apple Photos assets: what Photos must do, not the file script.

- A duplicate that is an asset of the keeper's Photos library is handled in Photos: it is listed
  in `apple-photos-duplicates.csv` and put by `apple-photos-duplicates.applescript` into an album
  "photo-dedup: duplicates", after its albums, keywords, favourite and caption have been added to
  its keeper (as Photos' own merge does). The user deletes that album's photos in Photos.
- An asset of another Photos library stays (this tool cannot merge across libraries).
- A loose copy of an asset is removed by the file script when the asset is at least as good;
  a better loose copy (more pixels, better format or quality) stays, and the group says so. What
  such a copy knew and the asset lacks (its caption, keywords and place, from its file, XMP
  sidecars or Takeout JSON) the AppleScript adds to the asset.
- An asset is never the file script's: with a loose keeper (reordered rules, your choice) it stays.
  That holds for a referenced original too (kept outside the bundle, listed by its real path).
Assets in Recently Deleted are not live copies: they are left out before grouping.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import pandas as pd

from photo_dedup.apple_photos.catalog import describe_curation, under_bundle
from photo_dedup.cache.atomic import write_text
from photo_dedup.choose.keeper import KeeperRanking
from photo_dedup.outputs.group_tables import write_csv
from photo_dedup.outputs.templating import Code, template_environment
from photo_dedup.shapes import Group, Member, Photo, Reason, Verdict

HANDLED_IN_PHOTOS = "Apple Photos"
DUPLICATES_ALBUM = "photo-dedup: duplicates"
CSV_COLUMNS = ["library", "uuid", "file_name", "path", "keeper_uuid", "keeper_path", "why"]
# Whether a loose copy is better than the Photos keeper: more pixels, or a RAW beside a rendering.
# Never a higher JPEG quality or another format alone: a re-export of an asset (q88 beside the
# asset's q85) holds nothing the asset lacks.
_QUALITY = KeeperRanking(["pixels"])


def with_photos_facts(groups: Sequence[Group], assets: Mapping[str, Mapping[str, Any]]) -> None:
    """Name each member's Apple Photos asset, if it is one: its library, UUID, name and curation."""
    for member in (member for group in groups for member in group.members):
        asset = assets.get(member["path"])
        member["photos_library"] = asset.get("library", "") if asset else ""
        member["photos_uuid"] = asset.get("uuid", "") if asset else ""
        member["photos_name"] = asset.get("original_name", "") if asset else ""
        member["photos_curation"] = describe_curation(asset) if asset else ""


def photos_verdict(member: Member, photo: Photo, group: Group) -> Verdict | None:
    """The Apple Photos rules (this module's docstring) as one of choose.verdicts' rules."""
    change = _photos_rule(member, group.keeper)
    if change is None:
        return None
    keep, words, handled_by = change
    return Verdict(keep, Reason.PHOTOS_RULE if keep else Reason.IN_PHOTOS, words, handled_by)


def _photos_rule(row: Mapping[Any, Any], keeper: Mapping[Any, Any]) -> tuple[bool, str, str] | None:
    """For a removed row: (keep, reason, handled_by) where a Photos rule changes it, else None."""
    if under_bundle(row["path"]) and not row["photos_uuid"]:
        return True, "kept: inside an Apple Photos library, with no asset in its database", ""
    if under_bundle(keeper["path"]) and not keeper["photos_uuid"]:
        # a file Photos does not track cannot vouch for removing a copy
        return True, "kept: its other copy is a file Photos does not track", ""
    if not keeper["photos_uuid"]:
        if row["photos_uuid"]:
            # the keeper rules put a loose file first (reordered rules, or your choice): the file
            # script never removes an asset, and Photos cannot merge it into a file it lacks
            return True, "kept: an Apple Photos asset (only Photos may remove it)", ""
        return None  # a loose keeper and a loose copy: the file script's business
    if row["photos_uuid"] and row["photos_library"] == keeper["photos_library"]:
        return False, "duplicate in Apple Photos: goes into the album " + DUPLICATES_ALBUM, HANDLED_IN_PHOTOS
    if row["photos_uuid"]:
        return True, "kept: an asset of another Apple Photos library", ""
    if _better(row, keeper):
        why = "a camera RAW" if row["format"] == "RAW" else _QUALITY.reason(_photo(row), _photo(keeper))
        return True, "kept: better copy outside Photos (" + why + ")", ""
    return None


def _photo(row: Any) -> Photo:
    """A groups-table row in the shape the keeper rules read (only the facts the quality rules use)."""
    facts = {
        "path": row["path"],
        "digest": row["digest"],
        "width": row["width"],
        "height": row["height"],
        "format": row["format"],
        "size": row["size"],
        "jpeg_quality": row["jpeg_quality"],
        "conversion": row["conversion"],
    }
    return cast(Photo, facts)


def _better(loose: Any, keeper: Any) -> bool:
    """The loose copy holds more than the kept asset: more pixels, or it is a camera RAW of it and
    the asset is not (never a re-export: its conversion marks say so)."""
    if loose["conversion"]:
        return False
    if loose["format"] == "RAW" and keeper["format"] != "RAW":
        return True
    rules = len(_QUALITY.rules)
    return _QUALITY.key(_photo(loose))[:rules] < _QUALITY.key(_photo(keeper))[:rules]


def photos_duplicates(groups: Sequence[Group], assets: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One entry per duplicate handled in Photos, with its keeper and what to merge into it."""
    entries = []
    for group, row in ((g, m) for g in groups for m in g.members if m.get("handled_by") == HANDLED_IN_PHOTOS):
        keeper = group.keeper
        duplicate, kept = assets[row["path"]], assets[keeper["path"]]
        entries.append(
            {
                "library": duplicate["library"],
                "uuid": duplicate["uuid"],
                "file_name": duplicate["original_name"],
                "path": row["path"],
                "keeper_uuid": kept["uuid"],
                "keeper_path": keeper["path"],
                "why": keeper["reason"],
                "albums": [album for album in duplicate["albums"] if album not in kept["albums"]],
                "keywords": [word for word in duplicate["keywords"] if word not in kept["keywords"]],
                "favorite": duplicate["favorite"] and not kept["favorite"],
                "description": duplicate["description"] if not kept["description"] else "",
                "title": duplicate["title"] if not kept["title"] else "",
            }
        )
    return entries


def loose_copy_inheritance(groups: Sequence[Group]) -> list[dict[str, Any]]:
    """For each kept asset that loses loose copies to the file script: the caption, keywords and
    place those copies knew and the asset lacks (`inherit`, see inheritance), to add in Photos."""
    entries = []
    for group in groups:
        keeper = group.keeper
        loose = [
            m["path"] for m in group.members if not m["keep"] and not m["photos_uuid"] and not under_bundle(m["path"])
        ]
        plan = keeper.get("inherit")
        if not keeper["photos_uuid"] or not loose or not isinstance(plan, dict):
            continue
        values = plan.get("values", {})
        gps = values.get("gps")
        entry = {
            "keeper_uuid": keeper["photos_uuid"],
            "copies": ", ".join(loose),
            "description": str(values.get("caption") or ""),
            "keywords": [str(word) for word in values.get("keywords") or []],
            # made here from two numbers: AppleScript literals, not text to escape
            "location": Code(f"{{{float(gps[0]):.6f}, {float(gps[1]):.6f}}}") if gps else "",
        }
        if entry["description"] or entry["keywords"] or entry["location"]:
            entries.append(entry)
    return entries


def render_applescript(entries: Sequence[Mapping[str, Any]], loose: Sequence[Mapping[str, Any]] = ()) -> str:
    """The AppleScript for these entries (every value an escaped AppleScript literal)."""
    template = template_environment("applescript").get_template("apple-photos-duplicates.applescript.j2")
    return template.render(entries=entries, loose_entries=loose, album=DUPLICATES_ALBUM)


def write_photos_duplicates(
    groups: Sequence[Group], assets: Mapping[str, Mapping[str, Any]], csv_path: str | Path, script_path: str | Path
) -> int:
    """Write the CSV and the AppleScript for the duplicates handled in Photos; returns how many."""
    entries = photos_duplicates(groups, assets)
    write_csv(pd.DataFrame(entries, columns=CSV_COLUMNS), csv_path, CSV_COLUMNS)
    write_text(script_path, render_applescript(entries, loose_copy_inheritance(groups)))
    return len(entries)
