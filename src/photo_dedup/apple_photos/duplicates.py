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
from photo_dedup.match.photo_table import PhotoRecord
from photo_dedup.outputs.group_tables import group_keepers, write_csv
from photo_dedup.outputs.templating import Code, template_environment

HANDLED_IN_PHOTOS = "Apple Photos"
DUPLICATES_ALBUM = "photo-dedup: duplicates"
CSV_COLUMNS = ["library", "uuid", "file_name", "path", "keeper_uuid", "keeper_path", "why"]
# Whether a loose copy is better than the Photos keeper: more pixels, or a RAW beside a rendering.
# Never a higher JPEG quality or another format alone: a re-export of an asset (q88 beside the
# asset's q85) holds nothing the asset lacks.
_QUALITY = KeeperRanking(["pixels"])


def apply_photos_rules(rows: pd.DataFrame, assets: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """Mark duplicates handled in Photos, keep assets of other libraries and better loose copies."""
    rows = rows.copy()
    rows["photos_library"] = [assets.get(path, {}).get("library", "") for path in rows["path"]]
    rows["photos_uuid"] = [assets.get(path, {}).get("uuid", "") for path in rows["path"]]
    rows["photos_name"] = [assets.get(path, {}).get("original_name", "") for path in rows["path"]]
    rows["photos_curation"] = [describe_curation(assets[path]) if path in assets else "" for path in rows["path"]]
    rows["handled_by"] = ""
    if rows.empty:
        return rows
    keepers = group_keepers(rows).to_dict("index")
    changes = [None if row["keep"] else _photos_rule(row, keepers[row["group_id"]]) for row in rows.to_dict("records")]
    rows["keep"] = [change[0] if change else keep for change, keep in zip(changes, rows["keep"], strict=True)]
    rows["reason"] = [change[1] if change else reason for change, reason in zip(changes, rows["reason"], strict=True)]
    rows["handled_by"] = [change[2] if change else "" for change in changes]
    return rows


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


def _photo(row: Any) -> PhotoRecord:
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
    return cast(PhotoRecord, facts)


def _better(loose: Any, keeper: Any) -> bool:
    """The loose copy holds more than the kept asset: more pixels, or it is a camera RAW of it and
    the asset is not (never a re-export: its conversion marks say so)."""
    if loose["conversion"]:
        return False
    if loose["format"] == "RAW" and keeper["format"] != "RAW":
        return True
    rules = len(_QUALITY.rules)
    return _QUALITY.key(_photo(loose))[:rules] < _QUALITY.key(_photo(keeper))[:rules]


def photos_duplicates(rows: pd.DataFrame, assets: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One entry per duplicate handled in Photos, with its keeper and what to merge into it."""
    if rows.empty or "handled_by" not in rows:
        return []
    keepers = group_keepers(rows)
    entries = []
    for row in rows[rows["handled_by"] == HANDLED_IN_PHOTOS].to_dict("records"):
        keeper = keepers.loc[row["group_id"]]
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


def loose_copy_inheritance(rows: pd.DataFrame) -> list[dict[str, Any]]:
    """For each kept asset that loses loose copies to the file script: the caption, keywords and
    place those copies knew and the asset lacks (`inherit`, see inheritance), to add in Photos."""
    if rows.empty or "inherit" not in rows:
        return []
    entries = []
    for _, members in rows.groupby("group_id", sort=False):
        keepers = group_keepers(members)
        if keepers.empty:
            continue
        keeper = keepers.iloc[0]
        loose = members[~members["keep"] & (members["photos_uuid"] == "") & ~members["path"].map(under_bundle)]
        plan = keeper["inherit"]
        if not keeper["photos_uuid"] or loose.empty or not isinstance(plan, dict):
            continue
        values = plan.get("values", {})
        gps = values.get("gps")
        entry = {
            "keeper_uuid": keeper["photos_uuid"],
            "copies": ", ".join(loose["path"]),
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
    rows: pd.DataFrame, assets: Mapping[str, Mapping[str, Any]], csv_path: str | Path, script_path: str | Path
) -> int:
    """Write the CSV and the AppleScript for the duplicates handled in Photos; returns how many."""
    entries = photos_duplicates(rows, assets)
    write_csv(pd.DataFrame(entries, columns=CSV_COLUMNS), csv_path, CSV_COLUMNS)
    write_text(script_path, render_applescript(entries, loose_copy_inheritance(rows)))
    return len(entries)
