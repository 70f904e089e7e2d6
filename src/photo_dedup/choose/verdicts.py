"""Who stays and who goes: the found groups as members, and every keep/remove rule in one pass.

Each member other than the keeper gets the verdict of the first rule that speaks, in this order:

1. a review group (edits, similar shots) or a "not duplicates" decision: every member stays;
2. a motion photo whose video the keeper lacks stays;
3. a member your "keep all" decision covers with its keeper stays;
4. with `raw_jpeg_pairs: keep_both`: the RAW or JPEG of the keeper's own shot stays, and so does
   any camera RAW (a JPEG made from it may win on pixels, but holds less);
5. a copy with its Live Photo video beside it, where the keeper has none, stays;
6. the Apple Photos rules (apple_photos.duplicates): an asset is Photos' own (removed into
   Photos' duplicates album, or kept), a better loose copy of an asset stays;
7. else it goes: a duplicate of the kept photo (or, in a group you decided, another shot).

The keeper always stays, for its group's reason. What goes with a removed photo (its companion
files) is attached after, from these verdicts (`settle`), and what the keeper inherits from it
after that (metadata.inheritance).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from photo_dedup.apple_photos.duplicates import photos_verdict, with_photos_facts
from photo_dedup.choose.grouping import FoundGroup
from photo_dedup.choose.keeper import present
from photo_dedup.choose.kept_together import (
    PAIR_POLICIES,
    attach_companions,
    camera_raw_kept,
    keep_all_covers,
    live_photo_kept,
    motion_photo_kept,
    raw_jpeg_pair_kept,
)
from photo_dedup.match.photo_table import PhotoTable
from photo_dedup.shapes import KEEPER, Group, Member, Photo, Reason, Verdict, VerdictRule


@dataclass
class VerdictRules:
    """What the rules read besides the group: the decisions, the RAW+JPEG policy, the scan's
    companion files and the Apple Photos assets."""

    keep_all: Sequence[frozenset[str]] = ()
    raw_jpeg_pairs: str = "keep_both"
    companions: Mapping[str, list[list[str]]] = field(default_factory=dict)
    assets: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def in_order(self) -> list[VerdictRule]:
        """The rules, in the order of this module's docstring."""
        if self.raw_jpeg_pairs not in PAIR_POLICIES:
            raise ValueError(f"raw_jpeg_pairs must be one of {', '.join(PAIR_POLICIES)}, not {self.raw_jpeg_pairs!r}")
        rules: list[VerdictRule] = [_undecided, motion_photo_kept, keep_all_covers(self.keep_all)]
        if self.raw_jpeg_pairs == "keep_both":
            rules += [raw_jpeg_pair_kept, camera_raw_kept]
        rules += [live_photo_kept(self.companions), photos_verdict, _removed]
        return rules


def decided_groups(
    table: PhotoTable,
    found: Sequence[FoundGroup],
    rules: VerdictRules,
    size_and_digest: Callable[[str], tuple[int, str]] | None = None,
) -> list[Group]:
    """The found groups as members with their verdicts and the files that go with those removed."""
    groups = report_groups(table, found)
    settle(groups, rules, size_and_digest)
    return groups


def settle(
    groups: Sequence[Group], rules: VerdictRules, size_and_digest: Callable[[str], tuple[int, str]] | None = None
) -> None:
    """Name the members' Photos assets, give every member its verdict, then attach to each removed
    one the files that go with it (`size_and_digest` may remember them: see DigestCache)."""
    with_photos_facts(groups, rules.assets)
    decide(groups, rules)
    staying = frozenset(rules.assets)  # an asset is Photos' to remove, and its video stays with it
    attach_companions(groups, rules.companions, size_and_digest, staying=staying)


def decide(groups: Sequence[Group], rules: VerdictRules) -> None:
    """Give every member its verdict: the keeper its group's reason, the others the first rule's."""
    in_order = rules.in_order()
    for group in groups:
        _apply(group.keeper, Verdict(True, Reason.KEEPER, group.reason))
        for member, photo in zip(group.others, group.photos[1:], strict=True):
            verdict = next(v for rule in in_order if (v := rule(member, photo, group)) is not None)
            _apply(member, verdict)


def _apply(member: Member, verdict: Verdict) -> None:
    member["keep"], member["reason"], member["handled_by"] = verdict.keep, verdict.words, verdict.handled_by


def _undecided(member: Member, photo: Photo, group: Group) -> Verdict | None:
    return Verdict(True, Reason.UNDECIDED, group.reason) if group.keep_all else None


def _removed(member: Member, photo: Photo, group: Group) -> Verdict:
    if group.relation == "copy":
        return Verdict(False, Reason.DUPLICATE, "duplicate of the kept photo")
    return Verdict(False, Reason.OTHER_SHOT_CHOSEN, "you chose another photo of this shot")


def report_groups(table: PhotoTable, found: Sequence[FoundGroup]) -> list[Group]:
    """Each found group's photos as members: the keeper first, then the copies best first."""
    photos = table.records(index for group in found for index in group.members)
    groups = []
    for group in found:
        keeper = photos[group.keeper]
        lacks = keeper_lacks(keeper, [photos[i] for i in group.members[1:]])
        members = [_member(group, index, photos[index], lacks) for index in group.members]
        groups.append(
            Group(
                group.group_id,
                group.relation,
                group.reason,
                members,
                photos=[photos[index] for index in group.members],
                keep_all=group.keep_all,
            )
        )
    return groups


def _member(group: FoundGroup, index: int, photo: Photo, lacks: str) -> Member:
    is_keeper = index == group.keeper
    return {
        "relation": group.relation,
        "path": photo["path"],
        "keep": True,  # until its verdict
        "reason": "",
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
        "photos_library": "",  # the five photos_ and handled_by fields: see with_photos_facts, decide
        "photos_uuid": "",
        "photos_name": "",
        "photos_curation": "",
        "handled_by": "",
        "edits": _text(photo.get("edits")),
        "takeout": _text(photo.get("takeout")),
        "digest": photo["digest"],
        "folder": os.path.dirname(photo["path"]),
        "name": os.path.basename(photo["path"]),
        "thumbnail": photo["thumbnail"],
        "companions": "",  # the three companion fields: see kept_together.attach_companions
        "companion_size": 0,
        "companion_files": [],
        "inherit": None,
    }


def _match(group: FoundGroup, index: int) -> str:
    if group.relation == "edit":
        return "edit of one shot"
    if group.relation == "similar":
        return "similar shot"
    return "identical bytes" if group.same_bytes[index] else "looks the same"


def _quality(value: Any) -> int:
    """The estimated JPEG quality, 0 when unknown (not a JPEG)."""
    return int(value) if isinstance(value, (int, float)) and value == value else 0


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _camera(photo: Photo) -> str:
    return " ".join(part for part in (_text(photo["make"]), _text(photo["model"])) if part)


# What a removed copy may know that the keeper does not: (words, does this photo have it).
_METADATA: tuple[tuple[str, Callable[[Photo], bool]], ...] = (
    ("capture time", lambda photo: bool(_text(photo["taken"]))),
    ("GPS", lambda photo: present(photo["has_gps"])),
    ("camera", lambda photo: bool(_camera(photo))),
    ("edits", lambda photo: present(photo.get("edits"))),
)


def keeper_lacks(keeper: Photo, others: list[Photo]) -> str:
    """The metadata that another member has and the keeper lacks, in words ("" if none)."""
    return ", ".join(words for words, has in _METADATA if not has(keeper) and any(has(other) for other in others))
