"""Files that belong together: a RAW and the camera's JPEG of one shot, a Live Photo and its video,
a motion photo's video; and the companion files that go with a removed photo.

- RAW+JPEG: when the kept photo and a duplicate are the RAW and the JPEG (or HEIC) of one shot
  (same folder, same name), the `raw_jpeg_pairs` policy decides: `keep_both` (the default) keeps
  both files; `treat_as_copies` lets the usual keeper rules remove one of them.
- Companion files (a Live Photo's video, Takeout JSON, editors' sidecars; see companion_files) go
  into the quarantine with a removed photo, unless a photo that stays uses them too.

Each rule here is one of choose.verdicts' rules: (member, its photo, its group) -> a verdict or None.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from photo_dedup.apple_photos.catalog import under_bundle
from photo_dedup.cache.digests import file_digest
from photo_dedup.choose.keeper import embedded_video
from photo_dedup.fingerprint.formats import is_raw
from photo_dedup.shapes import Group, Member, Photo, Reason, Verdict, VerdictRule

PAIR_POLICIES = ("keep_both", "treat_as_copies")
_CAMERA_JPEG_FORMATS = frozenset({"JPEG", "HEIF", "AVIF"})
MOTION_PHOTO_KEPT = "kept: it holds a video (a motion photo) that the kept photo lacks"


def _shot(path: str) -> tuple[str, str]:
    folder, name = os.path.split(path)
    return folder, os.path.splitext(name)[0].lower()


def raw_jpeg_pair_kept(member: Member, photo: Photo, group: Group) -> Verdict | None:
    """The RAW or JPEG that forms one shot with its group's keeper stays (policy keep_both)."""
    keeper = group.keeper
    formats = {member["format"], keeper["format"]}
    if (
        _shot(member["path"]) == _shot(keeper["path"])
        and "RAW" in formats
        and bool(formats & _CAMERA_JPEG_FORMATS)
        and is_raw(member["path"]) != is_raw(keeper["path"])
    ):
        words = "kept: RAW and JPEG of one shot with the kept photo (raw_jpeg_pairs: keep_both)"
        return Verdict(True, Reason.RAW_JPEG_PAIR, words)
    return None


def camera_raw_kept(member: Member, photo: Photo, group: Group) -> Verdict | None:
    """A camera RAW holds what no rendering of it does: never removed for a copy that is not a RAW
    (a JPEG rendered from it and upscaled wins on pixels, but is made from it)."""
    if member["format"] == "RAW" and group.keeper["format"] != "RAW":
        words = "kept: a camera RAW, never removed for a file made from it (raw_jpeg_pairs: keep_both)"
        return Verdict(True, Reason.CAMERA_RAW, words)
    return None


def live_photo_kept(companions: Mapping[str, list[list[str]]]) -> VerdictRule:
    """A copy whose Live Photo video lies beside it (IMG_1.HEIC + IMG_1.MOV) stays where its group's
    keeper has none: removing it would take the video out of the library with it."""

    def has_video(path: str) -> bool:
        return any(kind == "video" for kind, _ in companions.get(path, []))

    def rule(member: Member, photo: Photo, group: Group) -> Verdict | None:
        if group.relation == "copy" and has_video(member["path"]) and not has_video(group.keeper["path"]):
            return Verdict(
                True, Reason.LIVE_PHOTO, "kept: its Live Photo video lies beside it, and the kept photo has none"
            )
        return None

    return rule


def keep_all_covers(keep_all: Sequence[frozenset[str]]) -> VerdictRule:
    """A member that a "keep all" decision covers together with its keeper stays."""

    def rule(member: Member, photo: Photo, group: Group) -> Verdict | None:
        keeper = group.keeper["digest"]
        if any(keeper in kept and member["digest"] in kept for kept in keep_all):
            return Verdict(True, Reason.KEEP_ALL, "kept: you chose keep all for this group")
        return None

    return rule


def motion_photo_kept(member: Member, photo: Photo, group: Group) -> Verdict | None:
    """A motion photo's video is never removed for a copy of its picture without it: the keeper has
    no video, or one that does not begin with this one's (a copy cut short holds the start of the
    intact one's video; two motion photos of one still with other videos both stay)."""
    keeper = group.photos[0]
    mine, theirs = embedded_video(photo), embedded_video(keeper)
    if mine == 0:
        return None
    kept = Verdict(True, Reason.MOTION_PHOTO, MOTION_PHOTO_KEPT)
    if theirs < mine:
        return kept
    try:
        with open(photo["path"], "rb") as own, open(keeper["path"], "rb") as other:
            own.seek(int(photo["size"]) - mine)
            other.seek(int(keeper["size"]) - theirs)
            return kept if own.read(mine) != other.read(mine) else None
    except OSError:  # unreadable now: kept, to be safe
        return kept


def _size_and_digest(path: str) -> tuple[int, str]:
    return os.path.getsize(path), file_digest(path)


def attach_companions(
    groups: Sequence[Group],
    companions: Mapping[str, list[list[str]]],
    size_and_digest: Callable[[str], tuple[int, str]] | None = None,
    staying: frozenset[str] = frozenset(),
) -> None:
    """Add to each removed member the files that go with it (kind, path, size, SHA-256).

    A companion goes only if every photo that uses it is removed (a Takeout JSON shared by a photo
    and its `-edited` copy stays while either stays), and never from inside a Photos library.
    Photos in `staying` count as kept whatever their verdict says (Apple Photos assets, a referenced
    original outside the bundle too: only Photos removes them, so their video stays with them).
    `size_and_digest` may remember digests across runs (the workflow passes a DigestCache's); by
    default each companion is read.
    """
    size_and_digest = size_and_digest or _size_and_digest
    members = [member for group in groups for member in group.members]
    removed = {member["path"] for member in members if not member["keep"]} - staying
    users = Counter(path for files in companions.values() for _, path in files)
    removed_users = Counter(path for photo, files in companions.items() if photo in removed for _, path in files)
    for member in members:
        attached: list[dict[str, Any]] = []
        for kind, companion in companions.get(member["path"], []) if member["path"] in removed else []:
            if removed_users[companion] != users[companion] or under_bundle(companion):
                continue
            try:
                size, digest = size_and_digest(companion)
            except OSError:
                continue
            attached.append({"kind": kind, "path": companion, "size": size, "digest": digest})
        member["companion_files"] = attached
        member["companions"] = "\n".join(item["path"] for item in attached)
        member["companion_size"] = sum(item["size"] for item in attached)
