"""The report tables: groups.csv, groups.json and unreadable.csv (with pandas)."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from photo_dedup.cache.atomic import replacing, write_text
from photo_dedup.choose.keeper import embedded_video, present

if TYPE_CHECKING:  # types only: grouping builds on the tables helpers, not the other way round
    from photo_dedup.choose.grouping import Group
    from photo_dedup.match.photo_table import PhotoRecord, PhotoTable

# The `match` value of each group's kept photo. Other members may be kept too (a "keep all"
# decision, a RAW+JPEG pair), so `keep` alone does not say which photo the group is built around.
KEEPER = "keeper"

GROUP_COLUMNS = [
    "group_id",
    "relation",
    "path",
    "keep",
    "reason",
    "format",
    "width",
    "height",
    "size",
    "taken",
    "camera",
    "gps",
    "distance",
    "match",
    "how",
    "conversion",
    "keeper_lacks",
    "inherits",
    "metadata_conflicts",
    "jpeg_quality",
    "photos_library",
    "photos_uuid",
    "photos_name",
    "photos_curation",
    "handled_by",
    "digest",
    "folder",
    "name",
    "thumbnail",
    "edits",
    "takeout",
    "companions",
    "companion_size",
]
# Written to groups.json only: each companion's kind, path, size and SHA-256 (a list per photo), and
# on a kept photo what it inherits (the values and the sidecar they go into; see inheritance).
JSON_ONLY_COLUMNS = ["companion_files", "inherit"]


def human_bytes(n: int) -> str:
    """A size for people: 1.2 MB (powers of 1000, as file managers show them)."""
    size = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1000 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{n} B"


def group_keepers(rows: pd.DataFrame) -> pd.DataFrame:
    """Each group's keeper row, indexed by group_id."""
    return rows[rows["match"] == KEEPER].set_index("group_id")


def group_rows(table: PhotoTable, groups: list[Group]) -> pd.DataFrame:
    """One row per photo in a group: the keeper first, then the copies best first."""
    photos = table.records(index for group in groups for index in group.members)
    rows: list[dict[str, Any]] = []
    for group in groups:
        lacks = keeper_lacks(photos[group.keeper], [photos[i] for i in group.members[1:]])
        for index in group.members:
            photo = photos[index]
            is_keeper = index == group.keeper
            video_kept = not is_keeper and _video_the_keeper_lacks(photo, photos[group.keeper])
            rows.append(
                {
                    "group_id": group.group_id,
                    "relation": group.relation,
                    "path": photo["path"],
                    "keep": is_keeper or group.keep_all or video_kept,
                    "reason": group.reason if is_keeper or group.keep_all else _removed_because(group, video_kept),
                    "format": photo["format"],
                    "width": int(photo["width"]),
                    "height": int(photo["height"]),
                    "size": int(photo["size"]),
                    "taken": _text(photo["taken"]),
                    "camera": _camera(photo),
                    "gps": present(photo["has_gps"]),
                    "distance": 0 if is_keeper else group.distance[index],
                    "match": KEEPER if is_keeper else _match(group, index),
                    "how": group.kind.get(index, ""),
                    "conversion": group.conversion.get(index, ""),
                    "keeper_lacks": lacks if is_keeper else "",
                    "inherits": "",  # filled by inheritance.with_inheritance
                    "metadata_conflicts": "",
                    "jpeg_quality": _quality(photo["jpeg_quality"]),
                    "edits": _text(photo.get("edits")),
                    "takeout": _text(photo.get("takeout")),
                    "digest": photo["digest"],
                    "folder": os.path.dirname(photo["path"]),
                    "name": os.path.basename(photo["path"]),
                    "thumbnail": photo["thumbnail"],
                }
            )
    return pd.DataFrame(rows, columns=[c for c in GROUP_COLUMNS if c in _FROM_GROUPS])


MOTION_PHOTO_KEPT = "kept: it holds a video (a motion photo) that the kept photo lacks"


def _removed_because(group: Group, video_kept: bool = False) -> str:
    if video_kept:
        return MOTION_PHOTO_KEPT
    return "duplicate of the kept photo" if group.relation == "copy" else "you chose another photo of this shot"


def _video_the_keeper_lacks(photo: PhotoRecord, keeper: PhotoRecord) -> bool:
    """A motion photo's video is never removed for a copy of its picture without it: the keeper has
    no video, or one that does not begin with this one's (a copy cut short holds the start of the
    intact one's video; two motion photos of one still with other videos both stay)."""
    mine, theirs = embedded_video(photo), embedded_video(keeper)
    if mine == 0:
        return False
    if theirs < mine:
        return True
    try:
        with open(photo["path"], "rb") as own, open(keeper["path"], "rb") as other:
            own.seek(int(photo["size"]) - mine)
            other.seek(int(keeper["size"]) - theirs)
            return own.read(mine) != other.read(mine)
    except OSError:  # unreadable now: kept, to be safe
        return True


def _match(group: Group, index: int) -> str:
    if group.relation == "edit":
        return "edit of one shot"
    if group.relation == "similar":
        return "similar shot"
    return "identical bytes" if group.same_bytes[index] else "looks the same"


# The columns group_rows makes; later passes add the others (Photos, companions).
_FROM_GROUPS = (
    frozenset(GROUP_COLUMNS)
    - {"photos_library", "photos_uuid", "photos_name", "photos_curation", "handled_by"}
    - {column for column in GROUP_COLUMNS if column.startswith("companion")}
)


def _quality(value: Any) -> int:
    """The estimated JPEG quality, 0 when unknown (not a JPEG)."""
    return int(value) if isinstance(value, (int, float)) and value == value else 0


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _camera(photo: PhotoRecord) -> str:
    return " ".join(part for part in (_text(photo["make"]), _text(photo["model"])) if part)


# What a removed copy may know that the keeper does not: (words, does this photo have it).
_METADATA: tuple[tuple[str, Callable[[PhotoRecord], bool]], ...] = (
    ("capture time", lambda photo: bool(_text(photo["taken"]))),
    ("GPS", lambda photo: present(photo["has_gps"])),
    ("camera", lambda photo: bool(_camera(photo))),
    ("edits", lambda photo: present(photo.get("edits"))),
)


def keeper_lacks(keeper: PhotoRecord, others: list[PhotoRecord]) -> str:
    """The metadata that another member has and the keeper lacks, in words ("" if none)."""
    return ", ".join(words for words, has in _METADATA if not has(keeper) and any(has(other) for other in others))


def summarise(rows: pd.DataFrame, unreadable: pd.DataFrame, scan_counts: Mapping[str, int]) -> dict[str, Any]:
    """The counts shown at the top of the page and at the end of a run."""
    removed = rows[~rows["keep"]] if len(rows) else rows
    in_photos = removed["handled_by"] != "" if "handled_by" in removed else pd.Series(False, index=removed.index)
    by_script = removed[~in_photos]
    companion_size = int(by_script["companion_size"].sum()) if "companion_size" in by_script else 0
    relation = rows["relation"] if "relation" in rows else pd.Series("copy", index=rows.index)
    return {
        "photos_scanned": int(scan_counts.get("photo", 0)),
        "photos_found_by_content": int(scan_counts.get("photos found by content (no or a wrong extension)", 0)),
        "unreadable": int(len(unreadable)),
        "groups": int(rows.loc[relation == "copy", "group_id"].nunique()) if len(rows) else 0,
        "edit_groups": int(rows.loc[relation == "edit", "group_id"].nunique()) if len(rows) else 0,
        "similar_groups": int(rows.loc[relation == "similar", "group_id"].nunique()) if len(rows) else 0,
        "photos_in_groups": int(len(rows)),
        "files_to_remove": int(len(by_script)),
        "bytes_to_reclaim": int(by_script["size"].sum()) + companion_size if len(by_script) else 0,
        "photos_duplicates": int(in_photos.sum()),
        "keepers_lacking_metadata": int(rows[rows["keeper_lacks"] != ""]["group_id"].nunique()) if len(rows) else 0,
        "videos_skipped": int(scan_counts.get("video", 0)),
        "other_files_skipped": int(scan_counts.get("other", 0)),
        "excluded": int(scan_counts.get("excluded", 0)),
        "symlinks_not_followed": int(scan_counts.get("symlinks (not followed)", 0)),
    }


def write_csv(frame: pd.DataFrame, path: str | Path, columns: list[str]) -> None:
    """A CSV any spreadsheet reads: every text quoted (so CR, LF and tabs in names survive), file-name
    bytes that are not UTF-8 written as they are, written whole or not at all."""
    with replacing(path) as tmp:
        frame.to_csv(
            tmp,
            index=False,
            columns=columns,
            quoting=csv.QUOTE_NONNUMERIC,
            lineterminator="\n",
            errors="surrogateescape",
        )


def read_csv(path: str | Path) -> pd.DataFrame:
    """Read a CSV written by `write_csv` back (texts stay texts, file-name bytes kept)."""
    return pd.read_csv(path, keep_default_na=False, dtype=str, encoding_errors="surrogateescape")


def write_tables(
    rows: pd.DataFrame,
    unreadable: pd.DataFrame,
    summary: Mapping[str, Any],
    csv_path: str | Path,
    json_path: str | Path,
    unreadable_path: str | Path,
) -> None:
    """Write the three report tables; every output is sorted for clean diffs.

    groups.json is what the later steps read (JSON needs no quoting and keeps any file name);
    the two CSV files are for people and spreadsheets.
    """
    unreadable = unreadable.sort_values("path")
    write_csv(rows, csv_path, GROUP_COLUMNS)
    write_csv(unreadable, unreadable_path, ["path", "reason"])
    members_of: dict[str, list[dict[Any, Any]]] = {}
    for record in rows.to_dict("records"):  # one pass: rows come grouped, keeper first
        members_of.setdefault(str(record.pop("group_id")), []).append(record)
    groups = []
    for group_id, records in members_of.items():
        keeper = next(record for record in records if record["match"] == KEEPER)
        groups.append(
            {
                "group_id": group_id,
                "relation": keeper.get("relation", "copy"),
                "keeper": keeper["path"],
                "reason": keeper["reason"],
                "members": records,
            }
        )
    document = {
        "summary": dict(summary),
        "groups": groups,
        "unreadable": unreadable[["path", "reason"]].to_dict("records"),
    }
    write_text(json_path, json.dumps(document, sort_keys=True, indent=1, default=_plain) + "\n")


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def read_groups_json(path: str | Path) -> tuple[pd.DataFrame, dict[str, Any], pd.DataFrame]:
    """groups.json back as (one row per photo in a group, summary, unreadable files)."""
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    records = [
        {"group_id": group["group_id"], **_renamed(member)}
        for group in document["groups"]
        for member in group["members"]
    ]
    rows = pd.DataFrame(records, columns=GROUP_COLUMNS + JSON_ONLY_COLUMNS)
    rows["keep"] = rows["keep"].astype(bool)
    rows["companion_files"] = [files if isinstance(files, list) else [] for files in rows["companion_files"]]
    plans = [plan if isinstance(plan, dict) else None for plan in rows["inherit"]]
    rows["inherit"] = pd.Series(plans, index=rows.index, dtype=object)
    for column in ("inherits", "metadata_conflicts"):  # absent from a groups.json written before them
        rows[column] = [text if isinstance(text, str) else "" for text in rows[column]]
    unreadable = pd.DataFrame(document.get("unreadable", []), columns=["path", "reason"])
    return rows, document["summary"], unreadable


# groups.json written before this name change called a size `bytes` (a companion's too).
_OLD_NAMES = {"bytes": "size", "companion_bytes": "companion_size"}


def _renamed(member: dict[str, Any]) -> dict[str, Any]:
    """A member of a groups.json written by any version, with today's names."""
    if "bytes" not in member:
        return member
    member = {_OLD_NAMES.get(key, key): value for key, value in member.items()}
    member["companion_files"] = [
        {_OLD_NAMES.get(key, key): value for key, value in item.items()} for item in member.get("companion_files") or []
    ]
    return member
