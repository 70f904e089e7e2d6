"""Turn verified pairs into duplicate groups built around their keepers.

Groups do not chain: within each connected component of the match graph, the
best remaining photo becomes a keeper and takes only the photos that match it
directly; the rest form further groups (or stay alone). One borderline pair
therefore cannot merge two different pictures, and every photo marked for
removal looks like its own keeper.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from photo_dedup.choose.applied_decisions import Decisions
from photo_dedup.choose.jpeg_ancestry import mark_made_from_jpeg
from photo_dedup.choose.keeper import KeeperRanking, mark_conversions
from photo_dedup.choose.pixel_twins import mark_pixel_twins
from photo_dedup.match.candidates import IdenticalSets
from photo_dedup.match.hash_search import close_pairs, hamming
from photo_dedup.match.photo_table import PhotoTable
from photo_dedup.match.verify import MatchThresholds, PairEvidence, frame_counts, measure_pairs
from photo_dedup.shapes import Photo

MAX_LEADERS_TESTED = 24  # a group's leaders tested for a JPEG's quantisation, one after another


@dataclass
class FoundGroup:
    group_id: str
    keeper: int
    reason: str
    members: list[int]  # keeper first, then the others best first
    distance: dict[int, int] = field(default_factory=dict)  # phash bits to the keeper
    same_bytes: dict[int, bool] = field(default_factory=dict)
    conversion: dict[int, str] = field(default_factory=dict)  # why a member is a conversion of another
    relation: str = "copy"  # "copy", or "edit"/"similar" for the groups shown for review only (see tiers)
    keep_all: bool = False  # every member stays (review groups until the user chooses)
    kind: dict[int, str] = field(default_factory=dict)  # in an edit or similar group: what a member is to the first


def same_digest_pairs(digests: np.ndarray) -> np.ndarray:
    """Every pair of photos with the same content digest."""
    by_digest: dict[str, list[int]] = {}
    for index, digest in enumerate(digests):
        by_digest.setdefault(digest, []).append(index)
    pairs = [(a, b) for ids in by_digest.values() for i, a in enumerate(ids) for b in ids[i + 1 :]]
    return np.asarray(pairs, dtype=np.int64).reshape(-1, 2)


def candidate_pairs(table: PhotoTable, thresholds: MatchThresholds) -> np.ndarray:
    """Every pair close in phash or dhash, plus byte-identical pairs, each photo on its own.

    Quadratic in a set of identical photos (3,000 identical frames: 4.5 million pairs): the grouping
    searches between identical sets instead (`copy_groups`); this full list is for measuring the
    search (benchmarks/detection.py).
    """
    parts = [
        close_pairs(table.phash, thresholds.max_hash_distance),
        close_pairs(table.dhash, thresholds.max_hash_distance),
        same_digest_pairs(table.photos["digest"].to_numpy(dtype=object)),
    ]
    pairs = np.concatenate(parts) if parts else np.empty((0, 2), np.int64)
    return np.unique(pairs, axis=0) if len(pairs) else pairs.reshape(0, 2)


def copy_groups(
    table: PhotoTable,
    thresholds: MatchThresholds,
    ranking: KeeperRanking,
    decisions: Decisions | None = None,
) -> tuple[list[FoundGroup], PairEvidence]:
    """Find duplicate groups and the evidence for the candidate pairs measured.

    Photos with identical fingerprints (every signal the measurements read) measure alike against
    any photo, so the search and the measurements run once a set of them (candidates.IdenticalSets):
    10,000 identical frames cost 10,000 pairs, not 50 million. The groups are those every pair would
    give: each set of copies is matched to others as a whole. The evidence holds the pairs measured
    for each set (its best photo with each other member) and between sets, not every pair.
    """
    sets = identical_sets(table, thresholds.max_hash_distance, decisions)
    measured = measure_pairs(table, np.concatenate([sets.between, sets.within]), thresholds)
    if decisions is not None and decisions.kept_apart() and len(measured.pairs):
        digests = table.photos["digest"].to_numpy(dtype=object)
        apart = decisions.rejected(digests[measured.pairs[:, 0]], digests[measured.pairs[:, 1]])
        measured.accepted &= ~apart
        measured.edit &= ~apart
        measured.similar &= ~apart
    sets.learn(measured.accepted)
    labels = sets.components()
    members_of: dict[int, list[int]] = {}
    for index, label in enumerate(labels.tolist()):
        members_of.setdefault(label, []).append(index)
    components = [members for members in members_of.values() if len(members) > 1]
    records = table.records(i for members in components for i in members)
    groups: list[FoundGroup] = []
    best_first_of: list[list[int]] = []
    for members in components:
        mark_conversions([records[i] for i in members])
        best_first_of.append(_best_first(members, records, ranking))
        groups.extend(_groups_around_keepers(best_first_of[-1], sets.matches, records, ranking, table.phash))
    groups.sort(key=lambda group: records[group.keeper]["path"])
    return groups, sets.evidence(measured, best_first_of)


def _best_first(members: list[int], records: dict[int, Photo], ranking: KeeperRanking) -> list[int]:
    """Best first, after the leaders that hold a lower-ranked JPEG's quantisation are marked as made
    from it (see jpeg_ancestry), and a leader's members of the same pixels ranked by what they hold
    besides (see pixel_twins); each mark may bring up another leader to test."""
    ordered = sorted(members, key=lambda i: ranking.key(records[i]))
    for _ in range(MAX_LEADERS_TESTED):
        leading = [records[i] for i in ordered]
        if not (mark_made_from_jpeg(leading) or mark_pixel_twins(leading)):
            break
        ordered = sorted(members, key=lambda i: ranking.key(records[i]))
    return ordered


def identical_sets(table: PhotoTable, max_distance: int, decisions: Decisions | None = None) -> IdenticalSets:
    """The photos' prints (photos identical in every signal measured, see IdenticalSets) and the
    candidate pairs between them; photos named in a "not duplicates" or "not a copy" decision stand
    alone."""
    photos = table.photos
    digests = photos["digest"].to_numpy(dtype=object)
    named = decisions.kept_apart() if decisions is not None else frozenset()
    alone = np.array([digest in named for digest in digests], dtype=bool)
    signals = [photos[column].to_numpy(dtype=np.float64) for column in ("width", "height", "colourfulness")] + [
        frame_counts(photos),  # measure_pairs reads it: an animation is no copy of a still
        table.luma,
        table.colours,
    ]
    return IdenticalSets.of(table.phash, table.dhash, signals, digests, alone, max_distance)


def _groups_around_keepers(
    best_first: list[int],
    matches: Callable[[int, int], bool],
    records: dict[int, Photo],
    ranking: KeeperRanking,
    phash: np.ndarray,
) -> list[FoundGroup]:
    groups = []
    for keeper, *taken in split_around_keepers(best_first, matches):
        keeper_record = records[keeper]
        groups.append(
            FoundGroup(
                group_id=group_id(keeper_record["digest"], keeper_record["path"]),
                keeper=keeper,
                reason=ranking.reason(keeper_record, records[taken[0]]),
                members=[keeper, *taken],
                distance=dict(zip(taken, hamming(phash[taken], phash[keeper]).tolist(), strict=True)),
                same_bytes={i: records[i]["digest"] == keeper_record["digest"] for i in taken},
                conversion={i: records[i]["conversion"] for i in [keeper, *taken] if records[i]["conversion"]},
            )
        )
    return groups


def around_keepers(best_first: list[int], neighbours: dict[int, set[int]]) -> list[list[int]]:
    """Split one connected set of photos without chaining: the best remaining photo takes the photos
    it matches itself, the rest form further groups. Each group is [keeper, *members]."""
    return split_around_keepers(best_first, lambda keeper, other: other in neighbours.get(keeper, ()))


def split_around_keepers(best_first: list[int], matches: Callable[[int, int], bool]) -> list[list[int]]:
    """`around_keepers` with the matches asked of a function (keeper, other) -> bool."""
    groups = []
    remaining = best_first
    while len(remaining) > 1:
        keeper = remaining[0]
        taken = [i for i in remaining[1:] if matches(keeper, i)]
        if taken:
            groups.append([keeper, *taken])
            gone = set(taken)
            remaining = [i for i in remaining[1:] if i not in gone]
        else:
            remaining = remaining[1:]
    return groups


def group_id(digest: str, path: str) -> str:
    """Stable id from the keeper's content (and path, for byte copies kept apart)."""
    return "g" + hashlib.sha256(f"{digest}\0{path}".encode("utf-8", "surrogateescape")).hexdigest()[:10]
