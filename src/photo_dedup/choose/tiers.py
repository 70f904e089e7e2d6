"""Beyond copies: edits of one shot and similar shots, shown for review, never removed by default.

- **Edits of one shot**: a colour or tone edit, a black-and-white version (every edge in place,
  other colours), a crop or a turn of a photo taken at the same moment (crops.py). Each edit
  is grouped with the photo it was made from; everything in such a
  group is kept unless the user chooses a photo to keep on the page.
- **Similar shots** (with `similar_shots: true`): burst neighbours and retakes: alike in colour and
  layout but moved, from the same camera and, where both have a capture time, taken within a
  minute of each other. Shown for culling only.

These groups are built between the photos that stay after the copies are handled (each copy
group's keeper, and photos in no group), so no photo is removed twice and the deletion script
acts on copies only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from photo_dedup.choose.applied_decisions import Decisions
from photo_dedup.choose.grouping import FoundGroup, around_keepers
from photo_dedup.choose.keeper import KeeperRanking, mark_conversions
from photo_dedup.match.bursts import SIMILAR_SECONDS, burst_pairs
from photo_dedup.match.crop_candidates import CROPPED, CROPPED_FROM, PADDED, PADDED_IN, PLACED, PLACED_IN, cropped_pairs
from photo_dedup.match.fades import FADED, FADED_FROM, faded_pairs
from photo_dedup.match.hash_search import hamming
from photo_dedup.match.photo_table import PhotoTable
from photo_dedup.match.same_moment_crops import crop_or_turn_pairs, same_moment_pairs
from photo_dedup.match.small_crops import small_crops_searched
from photo_dedup.match.turns import turned_pairs
from photo_dedup.match.verify import PairEvidence
from photo_dedup.shapes import Photo

EDIT, SIMILAR = "edit", "similar"
# what the first photo of a pair is to the second, where it is not what the second is to the first
INVERSE_KIND = {
    CROPPED: CROPPED_FROM,
    CROPPED_FROM: CROPPED,
    PADDED: PADDED_IN,
    PADDED_IN: PADDED,
    PLACED: PLACED_IN,
    PLACED_IN: PLACED,
    FADED: FADED_FROM,
    FADED_FROM: FADED,
}
_DERIVED_KINDS = frozenset({CROPPED, PADDED, PLACED, FADED})  # (x, y): y is made from x
_DEFAULT_KIND = {EDIT: "other colours or tones", SIMILAR: "a similar shot (moved)"}
REASON = {
    EDIT: "edits of one shot: nothing is removed unless you choose the photo to keep",
    SIMILAR: "similar shots: nothing is removed unless you choose the photo to keep",
}


@dataclass(frozen=True)
class ReviewPairs:
    """Pairs of photos for an edit or similar group, and what each pair's second photo is to its first
    ("a crop", "turned or mirrored", ...): the card and groups.csv say it of each member."""

    pairs: np.ndarray
    kinds: list[str]

    @staticmethod
    def of(*parts: tuple[np.ndarray, Sequence[str] | str]) -> ReviewPairs:
        """Concatenated from (pairs, their kinds or one kind for all)."""
        pairs = [np.asarray(p, dtype=np.int64).reshape(-1, 2) for p, _ in parts]
        kinds = [
            k
            for (_, kind), p in zip(parts, pairs, strict=True)
            for k in ([kind] * len(p) if isinstance(kind, str) else kind)
        ]
        return ReviewPairs(np.concatenate(pairs) if pairs else np.empty((0, 2), dtype=np.int64), kinds)


def edit_pairs(table: PhotoTable, evidence: PairEvidence, copy_groups: list[FoundGroup]) -> ReviewPairs:
    """Edits of one shot: the candidate pairs measured as colour or tone edits, plus crops and turns
    among the photos taken at the same moment (their hashes differ, so the candidates miss them;
    one photo per copy group and moment is compared), plus turns, mirrors, crops and pads found by
    content."""
    stand_in = _keepers_of(len(table), copy_groups)
    settled = {tuple(pair) for pair in evidence.pairs[evidence.accepted | evidence.edit].tolist()}
    moments = [pair for pair in same_moment_pairs(table, stand_in).tolist() if tuple(pair) not in settled]
    found = crop_or_turn_pairs(table, np.array(moments, dtype=np.int64).reshape(-1, 2))
    # turns and mirrors in the pixels, with or without a capture time: found by their content
    staying = np.unique(stand_in)
    turns = turned_pairs(table.luma, staying)
    # crops and pads, with or without a capture time: found by the boxes a crop most often keeps
    aspect = (table.photos["width"] / table.photos["height"]).to_numpy(dtype=np.float64)
    crops, crop_kinds = cropped_pairs(table.luma, aspect, staying)
    small = small_crops_searched(table.luma, aspect, staying)
    fades, fade_kinds = faded_pairs(table, staying)  # a vignette or an alpha fade: the middle kept
    measured = evidence.pairs[evidence.edit]
    return ReviewPairs.of(
        (measured, list(evidence.edit_kind[evidence.edit])),
        (found, "a crop or a turn (taken at the same moment)"),
        (turns, "turned or mirrored"),
        (crops, crop_kinds),
        (small, CROPPED),
        (fades, fade_kinds),
    )


def similar_pairs(table: PhotoTable, evidence: PairEvidence, copy_groups: list[FoundGroup]) -> ReviewPairs:
    """Similar shots: the candidate pairs measured as nearby, plus bursts and retakes found by
    camera and time (bursts.py), among the photos that stay."""
    bursts = burst_pairs(table, np.unique(_keepers_of(len(table), copy_groups)))
    return ReviewPairs.of(
        (evidence.pairs[evidence.similar], "a similar shot (moved)"),
        (bursts, "a burst frame or retake (the same camera, moments apart)"),
    )


def review_groups(
    table: PhotoTable,
    found: ReviewPairs | np.ndarray,
    copy_groups: list[FoundGroup],
    ranking: KeeperRanking,
    relation: str,
    decisions: Decisions | None = None,
) -> list[FoundGroup]:
    """Groups of `relation` ("edit" or "similar") from its pairs, between the photos that stay.

    A pair involving a removed copy is moved to that copy's keeper. Within a group the photos are
    ordered best first; all are kept, unless the user chose the photo to keep for this very group
    (a "keep" decision over these photos): then that one is kept and the others are removed.
    """
    found = found if isinstance(found, ReviewPairs) else ReviewPairs.of((found, _DEFAULT_KIND[relation]))
    if len(found.pairs) == 0:
        return []
    stays = _keepers_of(len(table), copy_groups)
    kind_of: dict[tuple[int, int], str] = {}  # (x, y): what y is to x, the first found for each pair
    for (a, b), kind in zip(found.pairs.tolist(), found.kinds, strict=True):
        # for similar shots the photos compared, not their keepers (a RAW keeper may lack the time)
        if relation == SIMILAR and not _same_camera_moments_apart(table, a, b):
            continue
        x, y = int(stays[a]), int(stays[b])
        if x != y and (x, y) not in kind_of:
            kind_of[(x, y)], kind_of[(y, x)] = kind, INVERSE_KIND.get(kind, kind)
    edges = {(min(x, y), max(x, y)) for x, y in kind_of}
    digests = table.photos["digest"].to_numpy(dtype=object)
    if decisions is not None and decisions.kept_apart() and edges:  # "not duplicates", "not a copy"
        ends = np.array(sorted(edges))
        apart = decisions.rejected(digests[ends[:, 0]], digests[ends[:, 1]])
        edges = {(int(a), int(b)) for a, b in ends[~apart]}
    if not edges:
        return []
    n = len(table)
    matched = np.array(sorted(edges))
    graph = coo_matrix((np.ones(len(matched)), (matched[:, 0], matched[:, 1])), shape=(n, n)).tocsr()
    _, labels = connected_components(graph, directed=False)
    neighbours: dict[int, set[int]] = {}
    for a, b in edges:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    members_of: dict[int, list[int]] = {}
    for index in sorted(neighbours):
        members_of.setdefault(int(labels[index]), []).append(index)
    records = table.records(neighbours)

    def kept_apart(a: int, b: int) -> bool:
        """The user said these two are not duplicates, or one is not a copy of the other's group."""
        if decisions is None or not decisions.kept_apart():
            return False
        return bool(decisions.rejected(digests[[a]], digests[[b]])[0])

    groups = []
    for component in members_of.values():
        mark_conversions([records[i] for i in component])
        # a photo another is a crop or a pad of comes before it, whatever its pixels (the original
        # leads its edits); then the keeper rules
        derived = {y for (x, y), kind in kind_of.items() if kind in _DERIVED_KINDS and x in component}
        best_first = sorted(component, key=lambda i: (i in derived, ranking.key(records[i])))
        split = around_keepers(best_first, neighbours)
        for ordered in _beside_originals(split, derived, best_first, neighbours, kept_apart):
            groups.append(_review_group(table, records, relation, ordered, decisions, kind_of))
    groups.sort(key=lambda group: records[group.keeper]["path"])
    return groups


def _beside_originals(
    groups: list[list[int]],
    derived: set[int],
    best_first: list[int],
    neighbours: dict[int, set[int]],
    apart: Callable[[int, int], bool],
) -> list[list[int]]:
    """The groups, where one led by a photo made from another (a crop, a pad, a collage: its own
    original went to another keeper's group) is taken apart and its members placed as stragglers,
    beside the photo they were made from; members that find no place keep their group."""
    led = [group for group in groups if group[0] not in derived]
    placed = _with_stragglers(led, best_first, neighbours, apart)
    where = {member for group in placed for member in group}
    for group in groups:
        left = [member for member in group if member not in where] if group[0] in derived else []
        if len(left) > 1:
            placed.append(left)
    return placed


def _with_stragglers(
    groups: list[list[int]],
    best_first: list[int],
    neighbours: dict[int, set[int]],
    apart: Callable[[int, int], bool] = lambda a, b: False,
) -> list[list[int]]:
    """The groups around keepers (as with copies: no chaining), and each photo left out because the
    only photos it matches went to another keeper's group joined to the group holding the best of
    them: an edit of an edit (a pad of a grey version) is shown beside its shot, never alone; never
    into a group holding a photo the user kept apart from it (`apart`)."""
    group_of = {member: number for number, group in enumerate(groups) for member in group}
    joined = True
    while joined:  # until none joins: a crop of a collage joins once the collage has
        joined = False
        for photo in best_first:
            if photo not in group_of:
                placed = [
                    other
                    for other in best_first
                    if other in group_of
                    and other in neighbours.get(photo, ())
                    and not any(apart(photo, member) for member in groups[group_of[other]])
                ]
                if placed:
                    groups[group_of[placed[0]]].append(photo)
                    group_of[photo] = group_of[placed[0]]
                    joined = True
    return groups


def _keepers_of(n: int, copy_groups: list[FoundGroup]) -> np.ndarray:
    """Each photo's copy-group keeper (the photo that stays for it), or the photo itself."""
    keepers = np.arange(n)
    for group in copy_groups:
        keepers[group.members] = group.keeper
    return keepers


def _review_group(
    table: PhotoTable,
    records: dict[int, Photo],
    relation: str,
    ordered: list[int],
    decisions: Decisions | None,
    kind_of: dict[tuple[int, int], str],
) -> FoundGroup:
    """A group shown for review: all kept, unless the user chose the one photo to keep."""
    choice = decisions.chosen_in({records[i]["digest"] for i in ordered}) if decisions else None
    picked = []
    if choice is not None:
        by_path = [i for i in ordered if records[i]["path"] == choice[1]]
        picked = by_path or [i for i in ordered if records[i]["digest"] == choice[0]]
    keeper = picked[0] if picked else ordered[0]
    members = [keeper, *[i for i in ordered if i != keeper]]
    return FoundGroup(
        group_id=_group_id(relation, [records[i]["digest"] for i in ordered]),
        keeper=keeper,
        reason="your choice" if picked else REASON[relation],
        members=members,
        distance=dict(zip(members, hamming(table.phash[members], table.phash[keeper]).tolist(), strict=True)),
        same_bytes=dict.fromkeys(members, False),
        relation=relation,
        keep_all=not picked,
        kind={i: _kind_in_group(i, ordered, records, kind_of, relation) for i in ordered[1:]},
    )


def _kind_in_group(
    photo: int, ordered: list[int], records: dict[int, Photo], kind_of: dict[tuple[int, int], str], relation: str
) -> str:
    """What `photo` is to the group's first photo, or, joined through another member, to that one."""
    for other in ordered:
        kind = kind_of.get((other, photo))
        if kind is not None and other != photo:
            return kind if other == ordered[0] else f"{kind} (beside {PurePosixPath(records[other]['path']).name})"
    return _DEFAULT_KIND[relation]


def _same_camera_moments_apart(table: PhotoTable, a: int, b: int) -> bool:
    """Same camera (make and model) and, where both are known, capture times within a minute."""
    photos = table.photos
    for column in ("make", "model"):
        if _text(photos.at[a, column]) != _text(photos.at[b, column]):
            return False
    times = [_time(photos.at[index, "taken"]) for index in (a, b)]
    if times[0] is None or times[1] is None:
        return True
    return abs((times[0] - times[1]).total_seconds()) <= SIMILAR_SECONDS


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _time(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _group_id(relation: str, digests: list[str]) -> str:
    """Stable id from the relation and its members' content."""
    text = relation + "\0" + "\0".join(sorted(digests))
    return relation[0] + hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
