"""The shapes passed between stages: a Photo, a Verdict on it, and a Group of members.

- **Photo**: one readable photo from the gather step on: its sidecar's facts (absent is None,
  never NaN; a whole number is an int) plus what the gather step learns of it.
- **Verdict**: whether a group's member stays or goes, the kind of reason (`Reason`) and the
  words shown for it on the page, in groups.csv and in the scripts.
- **Group**: a duplicate (or edit, or similar-shot) group as the report steps see it, with its
  keeper and its members (`Member`: a photo's row of groups.json). The gather step makes them
  (`choose.verdicts`), writes them to groups.json, and the later steps read them back from there
  (`read_report`), as groups, not as a table.

A leaf module: no pandas, no numpy, so every step can import it cheaply.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, TypedDict, cast, get_type_hints

from photo_dedup.cache.sidecar_record import Sidecar


class Photo(Sidecar, total=False):
    """One photo from the gather step on: the facts of its sidecar (photo_table.COLUMNS) plus what
    the gather step learns of it."""

    apple: dict[str, Any] | None  # its Apple Photos asset
    edits: str  # its editors' sidecars, by name
    takeout: str  # caption and people from its Google Takeout JSON
    google_takeout: bool  # it has a Google Takeout JSON beside it (a download from Google Photos)
    conversion: str  # why it is a conversion of another member of its group, or ""
    twin_of: str  # why a member of its group with the same pixels is kept over it (pixel_twins)
    twin_rank: float  # the format rule's score it then has: just below that member's


class Reason(StrEnum):
    """The kinds of verdict, each one rule of `choose.verdicts` (in the order they are tried)."""

    KEEPER = "keeper"  # the photo the group is built around
    UNDECIDED = "undecided"  # a review group (edits, similar shots) or "not duplicates": all stay
    MOTION_PHOTO = "motion photo"  # holds a video the keeper lacks
    KEEP_ALL = "keep all"  # your "keep all" decision covers it
    RAW_JPEG_PAIR = "raw+jpeg pair"  # the RAW or JPEG of the keeper's shot (raw_jpeg_pairs: keep_both)
    CAMERA_RAW = "camera raw"  # a RAW, never removed for a file made from it
    LIVE_PHOTO = "live photo"  # its Live Photo video lies beside it, and the keeper has none
    PHOTOS_RULE = "apple photos"  # an Apple Photos rule keeps it (see apple_photos.duplicates)
    IN_PHOTOS = "in apple photos"  # removed, by Photos itself (the duplicates album)
    DUPLICATE = "duplicate"  # removed: a copy of the kept photo
    OTHER_SHOT_CHOSEN = "other shot chosen"  # removed: you chose another photo of this shot


@dataclass(frozen=True)
class Verdict:
    """Whether a member stays, why (its kind and the words shown), and who removes it ("" for the
    deletion script; "Apple Photos" for a duplicate Photos handles)."""

    keep: bool
    reason: Reason
    words: str
    handled_by: str = ""


class Member(TypedDict, total=False):
    """One photo of a group, as groups.json holds it (groups.csv's columns, less `group_id`)."""

    relation: str  # "copy", "edit" or "similar": its group's
    path: str
    keep: bool
    reason: str  # the verdict's words
    format: str
    width: int
    height: int
    size: int
    taken: str
    camera: str
    gps: bool
    distance: int
    match: str  # "keeper", "identical bytes", "looks the same", "edit of one shot", "similar shot"
    how: str
    conversion: str
    keeper_lacks: str
    inherits: str
    metadata_conflicts: str
    jpeg_quality: int
    photos_library: str
    photos_uuid: str
    photos_name: str
    photos_curation: str
    handled_by: str
    digest: str
    folder: str
    name: str
    thumbnail: str
    edits: str
    takeout: str
    companions: str
    companion_size: int
    companion_files: list[dict[str, Any]]  # groups.json only: each companion's kind, path, size, digest
    inherit: dict[str, Any] | None  # groups.json only, on a kept photo: what it inherits and where
    verified: bool  # groups.json only: its main image decoded (main_images; always true in a group)
    verified_by: str  # groups.json only: "fingerprint" (decoded whole there) or "verify" (the verify stage)


# The `match` value of each group's kept photo. Other members may be kept too (a "keep all"
# decision, a RAW+JPEG pair), so `keep` alone does not say which photo the group is built around.
KEEPER = "keeper"


@dataclass
class Group:
    """A group as the report steps see it: its members, the keeper first, then the others best first."""

    group_id: str
    relation: str  # "copy", or "edit"/"similar" for the groups shown for review only
    reason: str  # why the keeper is kept
    members: list[Member]
    photos: list[Photo] = field(default_factory=list, repr=False)  # in the gather step: each member's photo
    keep_all: bool = False  # in the gather step: every member stays (a review group until you choose)

    @property
    def keeper(self) -> Member:
        return self.members[0]

    @property
    def others(self) -> list[Member]:
        return self.members[1:]


# One of choose.verdicts' rules: (a member, its photo, its group) -> its verdict, or None to let the
# next rule speak.
VerdictRule = Callable[[Member, Photo, Group], Verdict | None]


@dataclass
class Report:
    """groups.json: the counts, the groups and the files that could not be read."""

    summary: dict[str, Any]
    groups: list[Group]
    unreadable: list[dict[str, str]]


def read_report(path: str | Path) -> Report:
    """groups.json back as groups (written by any version: older names and absent fields mended)."""
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    groups = []
    for group in document["groups"]:
        members = [_mended(member) for member in group["members"]]
        members.insert(0, members.pop(_keeper_position(members, group.get("keeper"))))
        groups.append(Group(group["group_id"], group.get("relation", "copy"), str(group.get("reason", "")), members))
    unreadable = [{"path": item["path"], "reason": item["reason"]} for item in document.get("unreadable", [])]
    return Report(document["summary"], groups, unreadable)


def _keeper_position(members: list[Member], keeper_path: Any) -> int:
    """Where the keeper is: written first, and marked; a file edited by hand may have it elsewhere,
    or name it only by the group's `keeper` path."""
    marked = [i for i, member in enumerate(members) if member.get("match") == KEEPER]
    named = [i for i, member in enumerate(members) if member.get("path") == keeper_path]
    return (marked or named or [0])[0]


# groups.json written before this name change called a size `bytes` (a companion's too).
_OLD_NAMES = {"bytes": "size", "companion_bytes": "companion_size"}
_TEXTS = tuple(name for name, kind in get_type_hints(Member).items() if kind is str)


def _mended(raw: dict[str, Any]) -> Member:
    """A member of a groups.json written by any version, with today's names and types."""
    member: dict[str, Any] = {_OLD_NAMES.get(key, key): value for key, value in raw.items()}
    files = member.get("companion_files")
    member["companion_files"] = [
        {_OLD_NAMES.get(key, key): value for key, value in item.items()} for item in (files or [])
    ]
    member["inherit"] = member.get("inherit") if isinstance(member.get("inherit"), dict) else None
    member["keep"] = bool(member.get("keep"))
    member["relation"] = member.get("relation") or "copy"
    for text in _TEXTS:  # absent from a groups.json written before them
        member[text] = member.get(text) if isinstance(member.get(text), str) else ""
    return cast(Member, member)
