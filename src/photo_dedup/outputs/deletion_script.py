"""Write the reviewable deletion script (POSIX sh) from the duplicate groups."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shlex
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypedDict

from photo_dedup import __version__
from photo_dedup.apple_photos.catalog import under_bundle
from photo_dedup.cache.atomic import write_text
from photo_dedup.choose.keeper import YOUR_CHOICE
from photo_dedup.outputs.results_layout import RESULTS
from photo_dedup.outputs.sizes import human_bytes
from photo_dedup.outputs.templating import Code, template_environment
from photo_dedup.shapes import Group, Member, read_report

log = logging.getLogger(__name__)


def action_id(path: str) -> str:
    """A short, stable name for one file's move (its journal entry and temporary file)."""
    return hashlib.blake2b(os.fsencode(path), digest_size=8).hexdigest()


def _restore_line(path: str, place: str, digest: str) -> str:
    """restore.sh's journal entry for one moved file: `restore_one ID PLACE ORIGINAL SHA256`."""
    return " ".join(shlex.quote(part) for part in ("restore_one", action_id(path), place, path, digest))


def _folded(path: str) -> str:
    """A path as a case-insensitive, normalising disk (exFAT, FAT, macOS) compares names."""
    return unicodedata.normalize("NFD", path).casefold()


class Places:
    """Where files go inside the quarantine: their absolute path, mirrored; never one place for two
    files, even on a disk that folds case ("Trip/IMG_1.JPG" and "trip/IMG_1.JPG")."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def place(self, path: str) -> str:
        place = path.lstrip("/")
        if _folded(place) in self._taken:
            folder, name = os.path.split(place)
            place = os.path.join(folder, f"{action_id(path)}-{name}")
        self._taken.add(_folded(place))
        return place


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


def removal_actions(groups: Sequence[Group]) -> list[Removal]:
    """One action per duplicate, with its keeper's path, size and digest.

    A member that names its group's keeper itself (the same path) is never an action: removing it
    would remove the kept photo.
    """
    actions: list[Removal] = []
    places = Places()
    for group in groups:
        keeper = group.keeper
        for photo in group.members:
            if photo["keep"]:
                continue
            if photo["path"] == keeper["path"]:
                log.warning(
                    "group %s lists its kept photo as a duplicate too; left out: %s", group.group_id, photo["path"]
                )
                continue
            if photo["handled_by"] or photo["photos_uuid"] or under_bundle(photo["path"]):
                continue  # an Apple Photos asset (a referenced original outside the bundle too): Photos' alone
            actions.append(
                {
                    "group_id": group.group_id,
                    "keeper": keeper["path"],
                    "keeper_dir": os.path.dirname(keeper["path"]),
                    "keeper_size": int(keeper["size"]),
                    "keeper_digest": keeper["digest"],
                    **_file_to_move(photo["path"], int(photo["size"]), photo["digest"], places),
                    "companions": _companions(photo, places),
                }
            )
    return actions


def _file_to_move(path: str, size: int, digest: str, places: Places) -> FileMove:
    """What the script needs to move one file: its ID, folder, size, SHA-256, place and restore line."""
    place = places.place(path)
    return {
        "id": action_id(path),
        "path": path,
        "dir": os.path.dirname(path),
        "size": size,
        "digest": digest,
        "place": place,
        "restore_line": _restore_line(path, place, digest),
    }


def _companions(photo: Member, places: Places) -> list[FileMove]:
    """The files that move with a photo (video, Takeout JSON, editors' sidecars)."""
    return [
        _file_to_move(item["path"], int(item["size"]), item["digest"], places)
        for item in photo["companion_files"]
        if not under_bundle(item["path"])
    ]


class SidecarWrite(TypedDict):
    """What a kept photo inherits, written into its XMP sidecar by ExifTool (and undone by restore.sh)."""

    id: str  # its journal entry and temporary files
    group_id: str  # written only if a copy of this group went (moved now or before)
    keeper: str
    keeper_dir: str
    keeper_size: int
    keeper_digest: str
    sidecar: str
    before: str  # the sidecar's SHA-256 at analysis, or "absent"
    tags: str  # the ExifTool tags as JSON, read with -j= (or -j+=, which adds to lists)
    summary: str  # what it inherits, in words
    restore_tail: str  # restore.sh's words after the written SHA-256: the sidecar, before, backup
    conflicts: str  # what the copies disagree on, not written ("; " between them)


# Each inherited fact as the XMP tags that hold it (ExifTool's names; darktable, digiKam and Immich
# read these from a sidecar).
_XMP_TAGS = {
    "title": "XMP-dc:Title",
    "caption": "XMP-dc:Description",
    "rights": "XMP-dc:Rights",
    "keywords": "XMP-dc:Subject",
    "people": "XMP-iptcExt:PersonInImage",
    "rating": "XMP-xmp:Rating",
}


def xmp_tags(values: Mapping[str, Any]) -> dict[str, Any]:
    """The ExifTool tags (for its -j= JSON import) that write these inherited values."""
    tags: dict[str, Any] = {"SourceFile": "*"}
    for name, value in values.items():
        if name == "taken":
            zone = value[19:]
            tags["XMP-exif:DateTimeOriginal"] = value[:19].replace("-", ":", 2).replace("T", " ") + zone
        elif name == "gps":
            tags["XMP-exif:GPSLatitude"], tags["XMP-exif:GPSLongitude"] = value[0], value[1]
        elif name == "camera":
            make, model = value
            tags.update({tag: part for tag, part in (("XMP-tiff:Make", make), ("XMP-tiff:Model", model)) if part})
        elif name in _XMP_TAGS:
            tags[_XMP_TAGS[name]] = value
        if name == "keywords":  # Immich reads keywords from here (or digiKam's TagsList), not dc:subject
            tags["XMP-lr:HierarchicalSubject"] = value
    return tags


def sidecar_writes(groups: Sequence[Group], actions: Sequence[Removal]) -> list[SidecarWrite]:
    """One write per kept photo that inherits something and loses a copy to this script."""
    losing = {action["group_id"] for action in actions}
    writes: list[SidecarWrite] = []
    for group in groups:
        record = group.keeper
        plan = record["inherit"]
        if group.group_id not in losing or not isinstance(plan, dict) or not plan.get("sidecar"):
            continue
        sidecar, before = str(plan["sidecar"]), str(plan.get("sidecar_digest") or "absent")
        if under_bundle(sidecar) or os.path.dirname(sidecar) != os.path.dirname(record["path"]):
            continue
        sidecar_id = action_id(sidecar)
        tail = [sidecar, before] + ([f"sidecars/{sidecar_id}.xmp"] if before != "absent" else [])
        writes.append(
            {
                "id": sidecar_id,
                "group_id": group.group_id,
                "keeper": record["path"],
                "keeper_dir": os.path.dirname(record["path"]),
                "keeper_size": int(record["size"]),
                "keeper_digest": record["digest"],
                "sidecar": sidecar,
                "before": before,
                "tags": json.dumps([xmp_tags(plan["values"])], ensure_ascii=False, sort_keys=True),
                "summary": record["inherits"],
                "restore_tail": " ".join(shlex.quote(part) for part in tail),
                "conflicts": "; ".join(record["metadata_conflicts"].splitlines()),
            }
        )
    return writes


def action_bytes(action: Removal) -> int:
    """The bytes an action frees: the duplicate's and those of the files that go with it."""
    return action["size"] + sum(companion["size"] for companion in action["companions"])


def write_deletion_script(
    groups: Sequence[Group],
    out_path: str | Path,
    quarantine: str,
    libraries: Sequence[str],
    groups_json: str = str(RESULTS.groups_json),
    report_html: str = str(RESULTS.report_html),
) -> None:
    """Write delete-duplicates.sh (file-name bytes kept exactly as the file system has them)."""
    env = template_environment("sh")
    actions = removal_actions(groups)
    n_bytes = sum(action_bytes(action) for action in actions)
    restore_script = env.get_template("restore.sh.j2").render(version=__version__).rstrip("\n")
    text = env.get_template("delete-duplicates.sh.j2").render(
        version=__version__,
        made_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        groups_json=groups_json,
        report_html=report_html,
        libraries=list(libraries),
        library_patterns=[os.path.realpath(path).rstrip("/") + "/" for path in libraries],
        library_roots=[os.path.realpath(path) for path in libraries],
        n_files=len(actions),
        n_groups=len({a["group_id"] for a in actions}),
        n_your_choice=sum(group.keeper["reason"] == YOUR_CHOICE for group in groups),
        n_bytes=n_bytes,
        human_bytes=human_bytes(n_bytes),
        quarantine=os.path.abspath(quarantine),
        restore_script=Code(restore_script),  # the template engine's own output, put in a quoted here-document
        actions=actions,
        sidecar_writes=sidecar_writes(groups, actions),
    )
    write_text(out_path, text, errors="surrogateescape")
    Path(out_path).chmod(0o755)


def deletion_script(groups_json: str, out_path: str, quarantine: str, libraries: Sequence[str]) -> None:
    """The deletion-script step: groups.json in, delete-duplicates.sh out."""
    write_deletion_script(read_report(groups_json).groups, out_path, quarantine, libraries, groups_json=groups_json)
