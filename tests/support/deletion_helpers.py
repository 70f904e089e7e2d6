"""Helpers for the tests that run the generated deletion script."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from photo_dedup.outputs.group_tables import GROUP_COLUMNS


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): digest(p) for p in sorted(root.rglob("*")) if p.is_file()}


def make_rows(groups: dict[Path, list[Path]]) -> pd.DataFrame:
    rows = []
    for number, (keeper, duplicates) in enumerate(groups.items()):
        for path in [keeper, *duplicates]:
            row = dict.fromkeys(GROUP_COLUMNS, "")
            row.update(
                group_id=f"g{number}",
                path=str(path),
                keep=path == keeper,
                match="keeper" if path == keeper else "identical bytes",
                size=path.stat().st_size,
                digest=digest(path),
            )
            rows.append(row)
    return pd.DataFrame(rows, columns=GROUP_COLUMNS)


def with_companions(rows: pd.DataFrame, companions: dict[Path, list[Path]]) -> pd.DataFrame:
    """Give photos in `rows` the files that go with them (as the gather step records them)."""
    rows = rows.copy()
    files = []
    for path in rows["path"]:
        found = companions.get(Path(path), [])
        files.append([{"kind": "video", "path": str(p), "size": p.stat().st_size, "digest": digest(p)} for p in found])
    rows["companion_files"] = files
    return rows
