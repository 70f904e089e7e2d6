"""The report tables: groups.csv, groups.json and unreadable.csv (with pandas)."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from photo_dedup.cache.atomic import replacing, write_text
from photo_dedup.shapes import Group

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
# groups.json holds these and more (shapes.Member: each companion's kind, path, size and SHA-256, and
# on a kept photo what it inherits).


def summarise(groups: Sequence[Group], unreadable: pd.DataFrame, scan_counts: Mapping[str, int]) -> dict[str, Any]:
    """The counts shown at the top of the page and at the end of a run."""
    members = [member for group in groups for member in group.members]
    removed = [member for member in members if not member["keep"]]
    by_script = [member for member in removed if not member["handled_by"]]
    relations = Counter(group.relation for group in groups)
    return {
        "photos_scanned": int(scan_counts.get("photo", 0)),
        "photos_found_by_content": int(scan_counts.get("photos found by content (no or a wrong extension)", 0)),
        "unreadable": int(len(unreadable)),
        "groups": relations["copy"],
        "edit_groups": relations["edit"],
        "similar_groups": relations["similar"],
        "photos_in_groups": len(members),
        "files_to_remove": len(by_script),
        "bytes_to_reclaim": sum(member["size"] + member["companion_size"] for member in by_script),
        "photos_duplicates": len(removed) - len(by_script),
        "keepers_lacking_metadata": sum(any(member["keeper_lacks"] for member in group.members) for group in groups),
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
    groups: Sequence[Group],
    unreadable: pd.DataFrame,
    summary: Mapping[str, Any],
    csv_path: str | Path,
    json_path: str | Path,
    unreadable_path: str | Path,
) -> None:
    """Write the three report tables; every output is sorted for clean diffs.

    groups.json is what the later steps read back as groups (shapes.read_report: JSON needs no
    quoting and keeps any file name); the two CSV files are for people and spreadsheets.
    """
    unreadable = unreadable.sort_values("path")
    rows = [{"group_id": group.group_id, **member} for group in groups for member in group.members]
    write_csv(pd.DataFrame(rows, columns=GROUP_COLUMNS), csv_path, GROUP_COLUMNS)
    write_csv(unreadable, unreadable_path, ["path", "reason"])
    document = {
        "summary": dict(summary),
        "groups": [
            {
                "group_id": group.group_id,
                "relation": group.keeper["relation"],
                "keeper": group.keeper["path"],
                "reason": group.keeper["reason"],
                "members": group.members,
            }
            for group in groups
        ],
        "unreadable": unreadable[["path", "reason"]].to_dict("records"),
    }
    write_text(json_path, json.dumps(document, sort_keys=True, indent=1, default=_plain) + "\n")


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")
