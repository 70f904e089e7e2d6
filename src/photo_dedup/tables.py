"""The report tables: groups.csv, groups.json and unreadable.csv (with pandas)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:  # types only: decisions (imported by grouping) use this module's helpers
    from photo_dedup.grouping import Group
    from photo_dedup.photo_table import PhotoTable

# The `match` value of each group's kept photo. Other members may be kept too (a "keep all"
# decision, a RAW+JPEG pair), so `keep` alone does not say which photo the group is built around.
KEEPER = "keeper"

GROUP_COLUMNS = [
    "group_id",
    "path",
    "keep",
    "reason",
    "format",
    "width",
    "height",
    "bytes",
    "taken",
    "distance",
    "match",
    "digest",
    "folder",
    "name",
    "thumbnail",
    "companion",
    "companion_bytes",
    "companion_digest",
]


def group_keepers(rows: pd.DataFrame) -> pd.DataFrame:
    """Each group's keeper row, indexed by group_id."""
    return rows[rows["match"] == KEEPER].set_index("group_id")


def group_rows(table: PhotoTable, groups: list[Group]) -> pd.DataFrame:
    """One row per photo in a group: the keeper first, then the copies best first."""
    photos = table.photos
    rows: list[dict[str, Any]] = []
    for group in groups:
        for index in group.members:
            photo = photos.iloc[index]
            is_keeper = index == group.keeper
            rows.append(
                {
                    "group_id": group.group_id,
                    "path": photo["path"],
                    "keep": is_keeper,
                    "reason": group.reason if is_keeper else "duplicate of the kept photo",
                    "format": photo["format"],
                    "width": int(photo["width"]),
                    "height": int(photo["height"]),
                    "bytes": int(photo["size"]),
                    "taken": photo["taken"] or "",
                    "distance": 0 if is_keeper else group.distance[index],
                    "match": KEEPER
                    if is_keeper
                    else ("identical bytes" if group.same_bytes[index] else "looks the same"),
                    "digest": photo["digest"],
                    "folder": os.path.dirname(photo["path"]),
                    "name": os.path.basename(photo["path"]),
                    "thumbnail": photo["thumbnail"],
                }
            )
    return pd.DataFrame(rows, columns=[c for c in GROUP_COLUMNS if not c.startswith("companion")])


def summarise(rows: pd.DataFrame, unreadable: pd.DataFrame, scan_counts: Mapping[str, int]) -> dict[str, Any]:
    removed = rows[~rows["keep"]] if len(rows) else rows
    companion_bytes = int(removed["companion_bytes"].sum()) if "companion_bytes" in removed and len(removed) else 0
    return {
        "photos_scanned": int(scan_counts.get("photo", 0)),
        "unreadable": int(len(unreadable)),
        "groups": int(rows["group_id"].nunique()) if len(rows) else 0,
        "photos_in_groups": int(len(rows)),
        "files_to_remove": int(len(removed)),
        "bytes_to_reclaim": (int(removed["bytes"].sum()) if len(removed) else 0) + companion_bytes,
        "videos_skipped": int(scan_counts.get("video", 0)),
        "other_files_skipped": int(scan_counts.get("other", 0)),
        "excluded": int(scan_counts.get("excluded", 0)),
        "symlinks_not_followed": int(scan_counts.get("symlinks (not followed)", 0)),
    }


def write_tables(
    rows: pd.DataFrame,
    unreadable: pd.DataFrame,
    summary: Mapping[str, Any],
    csv_path: str | Path,
    json_path: str | Path,
    unreadable_path: str | Path,
) -> None:
    """Write the three report tables; every output is sorted for clean diffs."""
    rows.to_csv(csv_path, index=False, columns=GROUP_COLUMNS)
    unreadable.sort_values("path").to_csv(unreadable_path, index=False, columns=["path", "reason"])
    groups = []
    for group_id, members in rows.groupby("group_id", sort=False):
        records = members.drop(columns=["group_id"]).to_dict("records")
        keeper = next(record for record in records if record["match"] == KEEPER)
        groups.append(
            {
                "group_id": group_id,
                "keeper": keeper["path"],
                "reason": keeper["reason"],
                "members": records,
            }
        )
    document = {"summary": dict(summary), "groups": groups}
    Path(json_path).write_text(json.dumps(document, sort_keys=True, indent=1, default=_plain) + "\n", encoding="utf-8")


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def read_groups_csv(path: str | Path) -> pd.DataFrame:
    """Read groups.csv back with its proper types (empty strings stay strings)."""
    rows = pd.read_csv(
        path,
        keep_default_na=False,
        dtype={
            "group_id": str,
            "path": str,
            "reason": str,
            "format": str,
            "taken": str,
            "match": str,
            "digest": str,
            "folder": str,
            "name": str,
            "thumbnail": str,
        },
    )
    rows["keep"] = rows["keep"].astype(str).str.lower() == "true"
    return rows


def read_unreadable_csv(path: str | Path) -> pd.DataFrame:
    return pd.read_csv(path, keep_default_na=False, dtype=str)
