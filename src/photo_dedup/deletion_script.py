"""Write the reviewable deletion script (POSIX sh) from the duplicate groups."""

from __future__ import annotations

import os
import shlex
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path

import jinja2
import pandas as pd

from photo_dedup import __version__
from photo_dedup.tables import group_keepers, read_groups_csv


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(
            lambda name: (files("photo_dedup") / "templates" / name).read_text(encoding="utf-8")
        ),
        autoescape=False,  # shell text: every value goes through shlex.quote (the q filter)
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["q"] = lambda value: shlex.quote(str(value))
    return env


def human_bytes(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1000 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{n} B"


def removal_actions(rows: pd.DataFrame) -> list[dict[str, object]]:
    """One action per duplicate, with its keeper's path, size and digest."""
    actions = []
    keepers = group_keepers(rows)
    for group_id, members in rows.groupby("group_id", sort=False):
        keeper = keepers.loc[[group_id]].iloc[0]
        for _, photo in members[~members["keep"]].iterrows():
            place = photo["path"].lstrip("/")
            restore = " ".join(
                shlex.quote(str(part))
                for part in (
                    "restore_one",
                    place,
                    photo["path"],
                    photo["digest"],
                    os.path.dirname(photo["path"]),
                )
            )
            actions.append(
                {
                    "group_id": group_id,
                    "keeper": keeper["path"],
                    "keeper_size": int(keeper["bytes"]),
                    "keeper_digest": keeper["digest"],
                    "path": photo["path"],
                    "size": int(photo["bytes"]),
                    "digest": photo["digest"],
                    "place": place,
                    "folder": os.path.dirname(place),
                    "restore_line": restore,
                    **_companion(photo),
                }
            )
    return actions


def _companion(photo: pd.Series) -> dict[str, object]:
    """The video that moves with a photo (Live Photo), or empty fields."""
    video = photo.get("companion") or ""
    if not video:
        return {"companion": "", "companion_size": 0}
    place = video.lstrip("/")
    restore = " ".join(
        shlex.quote(part) for part in ("restore_one", place, video, photo["companion_digest"], os.path.dirname(video))
    )
    return {
        "companion": video,
        "companion_size": int(photo["companion_bytes"]),
        "companion_digest": photo["companion_digest"],
        "companion_place": place,
        "companion_folder": os.path.dirname(place),
        "companion_restore": restore,
    }


def write_deletion_script(
    rows: pd.DataFrame,
    out_path: str | Path,
    quarantine: str,
    libraries: Sequence[str],
    groups_csv: str = "results/groups.csv",
    report_html: str = "results/report.html",
) -> None:
    env = _environment()
    actions = removal_actions(rows)
    n_bytes = sum(int(a["size"]) + int(a["companion_size"]) for a in actions)  # type: ignore[call-overload]
    restore_header = env.get_template("restore-header.sh.j2").render(version=__version__).rstrip("\n")
    text = env.get_template("delete-duplicates.sh.j2").render(
        version=__version__,
        made_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        groups_csv=groups_csv,
        report_html=report_html,
        libraries=", ".join(_comment_safe(path) for path in libraries),
        n_files=len(actions),
        n_groups=rows["group_id"].nunique() if len(rows) else 0,
        n_bytes=n_bytes,
        human_bytes=human_bytes(n_bytes),
        quarantine=os.path.abspath(quarantine),
        restore_header=restore_header,
        actions=actions,
    )
    out_path = Path(out_path)
    out_path.write_text(text, encoding="utf-8")
    out_path.chmod(0o755)


def _comment_safe(text: str) -> str:
    """Text for a `#` comment line: no line breaks."""
    return text.replace("\n", "\\n").replace("\r", "\\r")


def deletion_script_from_csv(groups_csv: str, out_path: str, quarantine: str, libraries: Sequence[str]) -> None:
    """The deletion-script step: groups.csv in, delete-duplicates.sh out."""
    write_deletion_script(read_groups_csv(groups_csv), out_path, quarantine, libraries, groups_csv=groups_csv)
