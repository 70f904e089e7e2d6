"""Write the reviewable deletion script (POSIX sh) from the duplicate groups."""

from __future__ import annotations

import hashlib
import logging
import os
import shlex
from collections.abc import Hashable, Mapping, Sequence
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any, TypedDict

import jinja2
import pandas as pd

from photo_dedup import __version__
from photo_dedup.apple_photos import under_bundle
from photo_dedup.atomic import write_text
from photo_dedup.keeper import YOUR_CHOICE
from photo_dedup.tables import group_keepers, human_bytes, read_groups_json

log = logging.getLogger(__name__)


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


def action_id(path: str) -> str:
    """A short, stable name for one file's move (its journal entry and temporary file)."""
    return hashlib.blake2b(os.fsencode(path), digest_size=8).hexdigest()


def _restore_line(path: str, digest: str) -> str:
    """restore.sh's journal entry for one moved file: `restore_one ID PLACE ORIGINAL SHA256`."""
    return " ".join(shlex.quote(part) for part in ("restore_one", action_id(path), _place(path), path, digest))


def _place(path: str) -> str:
    """Where a file goes inside the quarantine: its absolute path, mirrored."""
    return path.lstrip("/")


class FileMove(TypedDict):
    """One file the script moves into the quarantine (and restore.sh puts back)."""

    id: str  # its journal entry and temporary file
    path: str
    dir: str
    size: int  # bytes, checked before the move
    digest: str  # SHA-256, checked before the move
    place: str  # where it goes inside the quarantine
    restore_line: str


class Removal(FileMove):
    """One duplicate to remove: the file, the kept photo that must still be there and the same, and
    the files that go with it."""

    group_id: str
    keeper: str
    keeper_dir: str
    keeper_size: int
    keeper_digest: str
    companions: list[FileMove]


def removal_actions(rows: pd.DataFrame) -> list[Removal]:
    """One action per duplicate, with its keeper's path, size and digest.

    A row that names its group's keeper itself (the same path) is never an action: removing it
    would remove the kept photo.
    """
    actions: list[Removal] = []
    keepers = group_keepers(rows)
    for group_id, members in rows.groupby("group_id", sort=False):
        keeper = keepers.loc[[group_id]].iloc[0]
        for photo in members[~members["keep"]].to_dict("records"):
            if photo["path"] == keeper["path"]:
                log.warning("group %s lists its kept photo as a duplicate too; left out: %s", group_id, photo["path"])
                continue
            if photo.get("handled_by") or under_bundle(photo["path"]):
                continue  # an Apple Photos asset: Photos removes it (apple-photos-duplicates.applescript)
            actions.append(
                {
                    "group_id": str(group_id),
                    "keeper": keeper["path"],
                    "keeper_dir": os.path.dirname(keeper["path"]),
                    "keeper_size": int(keeper["size"]),
                    "keeper_digest": keeper["digest"],
                    **_file_to_move(photo["path"], int(photo["size"]), photo["digest"]),
                    "companions": _companions(photo),
                }
            )
    return actions


def _file_to_move(path: str, size: int, digest: str) -> FileMove:
    """What the script needs to move one file: its ID, folder, size, SHA-256, place and restore line."""
    return {
        "id": action_id(path),
        "path": path,
        "dir": os.path.dirname(path),
        "size": size,
        "digest": digest,
        "place": _place(path),
        "restore_line": _restore_line(path, digest),
    }


def _companions(photo: Mapping[Hashable, Any]) -> list[FileMove]:
    """The files that move with a photo (video, Takeout JSON, editors' sidecars)."""
    files = photo.get("companion_files")
    return [
        _file_to_move(item["path"], int(item["size"]), item["digest"])
        for item in (files if isinstance(files, list) else [])
        if not under_bundle(item["path"])
    ]


def action_bytes(action: Removal) -> int:
    """The bytes an action frees: the duplicate's and those of the files that go with it."""
    return action["size"] + sum(companion["size"] for companion in action["companions"])


def write_deletion_script(
    rows: pd.DataFrame,
    out_path: str | Path,
    quarantine: str,
    libraries: Sequence[str],
    groups_json: str = "results/groups.json",
    report_html: str = "results/report.html",
) -> None:
    """Write delete-duplicates.sh (file-name bytes kept exactly as the file system has them)."""
    env = _environment()
    actions = removal_actions(rows)
    n_bytes = sum(action_bytes(action) for action in actions)
    restore_script = env.get_template("restore.sh.j2").render(version=__version__).rstrip("\n")
    text = env.get_template("delete-duplicates.sh.j2").render(
        version=__version__,
        made_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        groups_json=groups_json,
        report_html=report_html,
        libraries=", ".join(_comment_safe(path) for path in libraries),
        library_patterns=[os.path.realpath(path).rstrip("/") + "/" for path in libraries],
        n_files=len(actions),
        n_groups=len({a["group_id"] for a in actions}),
        n_your_choice=int((group_keepers(rows)["reason"] == YOUR_CHOICE).sum()) if len(rows) else 0,
        n_bytes=n_bytes,
        human_bytes=human_bytes(n_bytes),
        quarantine=os.path.abspath(quarantine),
        restore_script=restore_script,
        actions=actions,
    )
    write_text(out_path, text, errors="surrogateescape")
    Path(out_path).chmod(0o755)


def _comment_safe(text: str) -> str:
    """Text for a `#` comment line: no line breaks."""
    return text.replace("\n", "\\n").replace("\r", "\\r")


def deletion_script(groups_json: str, out_path: str, quarantine: str, libraries: Sequence[str]) -> None:
    """The deletion-script step: groups.json in, delete-duplicates.sh out."""
    rows, _, _ = read_groups_json(groups_json)
    write_deletion_script(rows, out_path, quarantine, libraries, groups_json=groups_json)
