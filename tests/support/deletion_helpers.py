"""Helpers for the tests that run the generated deletion script."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, cast

from photo_dedup.outputs.group_tables import GROUP_COLUMNS
from photo_dedup.shapes import Group, Member


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): digest(p) for p in sorted(root.rglob("*")) if p.is_file()}


def member(**facts: Any) -> Member:
    """A group member as groups.json holds it: every field, "" where not given."""
    fields: dict[str, Any] = dict.fromkeys(c for c in GROUP_COLUMNS if c != "group_id")
    fields.update({name: "" for name in fields}, relation="copy", companion_files=[], inherit=None)
    fields.update(size=0, width=0, height=0, distance=0, jpeg_quality=0, companion_size=0, keep=False, gps=False)
    fields.update(facts)
    return cast(Member, fields)


def make_groups(groups: dict[Path, list[Path]]) -> list[Group]:
    """One copy group a keeper: the keeper kept, its duplicates (identical bytes) removed."""
    made = []
    for number, (keeper, duplicates) in enumerate(groups.items()):
        members = [
            member(
                path=str(path),
                keep=position == 0,
                match="keeper" if position == 0 else "identical bytes",
                size=path.stat().st_size,
                digest=digest(path),
            )
            for position, path in enumerate([keeper, *duplicates])
        ]
        made.append(Group(f"g{number}", "copy", "", members))
    return made


def with_companions(groups: list[Group], companions: dict[Path, list[Path]]) -> list[Group]:
    """Give photos in `groups` the files that go with them (as the gather step records them)."""
    for group in groups:
        for photo in group.members:
            found = companions.get(Path(photo["path"]), [])
            photo["companion_files"] = [
                {"kind": "video", "path": str(p), "size": p.stat().st_size, "digest": digest(p)} for p in found
            ]
    return groups


def groups_of_rows(rows: list[dict[str, Any]]) -> list[Group]:
    """Rows of groups.csv's shape (each with its `group_id`, the keeper first) as groups."""
    members: dict[str, list[Member]] = {}
    for row in rows:
        facts = {key: value for key, value in row.items() if key != "group_id"}
        members.setdefault(row["group_id"], []).append(member(**facts))
    return [Group(group_id, found[0]["relation"], found[0]["reason"], found) for group_id, found in members.items()]
