"""Turn verified pairs into duplicate groups built around their keepers.

Groups do not chain: within each connected component of the match graph, the
best remaining photo becomes a keeper and takes only the photos that match it
directly; the rest form further groups (or stay alone). One borderline pair
therefore cannot merge two different pictures, and every photo marked for
removal looks like its own keeper.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from photo_dedup.candidates import close_pairs, hamming
from photo_dedup.decisions import Decisions
from photo_dedup.keeper import KeeperRanking, mark_conversions
from photo_dedup.photo_table import PhotoRecord, PhotoTable
from photo_dedup.verify import MatchThresholds, PairEvidence, measure_pairs


@dataclass
class Group:
    group_id: str
    keeper: int
    reason: str
    members: list[int]  # keeper first, then the others best first
    distance: dict[int, int] = field(default_factory=dict)  # phash bits to the keeper
    same_bytes: dict[int, bool] = field(default_factory=dict)
    conversion: dict[int, str] = field(default_factory=dict)  # why a member is a conversion of another
    relation: str = "copy"  # "copy", or "edit"/"similar" for the groups shown for review only (see tiers)
    keep_all: bool = False  # every member stays (review groups until the user chooses)


def same_digest_pairs(digests: np.ndarray) -> np.ndarray:
    """Every pair of photos with the same content digest."""
    by_digest: dict[str, list[int]] = {}
    for index, digest in enumerate(digests):
        by_digest.setdefault(digest, []).append(index)
    pairs = [(a, b) for ids in by_digest.values() for i, a in enumerate(ids) for b in ids[i + 1 :]]
    return np.asarray(pairs, dtype=np.int64).reshape(-1, 2)


def candidate_pairs(table: PhotoTable, thresholds: MatchThresholds) -> np.ndarray:
    """Pairs close in phash or dhash, plus byte-identical pairs; sub-quadratic."""
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
) -> tuple[list[Group], PairEvidence]:
    """Find duplicate groups and the evidence for every candidate pair."""
    evidence = measure_pairs(table, candidate_pairs(table, thresholds), thresholds)
    if decisions is not None and decisions.not_duplicates and len(evidence.pairs):
        digests = table.photos["digest"].to_numpy(dtype=object)
        apart = decisions.rejected(digests[evidence.pairs[:, 0]], digests[evidence.pairs[:, 1]])
        evidence.accepted &= ~apart
        evidence.edit &= ~apart
        evidence.similar &= ~apart
    matched = evidence.pairs[evidence.accepted]
    n = len(table)
    if n == 0 or len(matched) == 0:
        return [], evidence
    graph = coo_matrix((np.ones(len(matched)), (matched[:, 0], matched[:, 1])), shape=(n, n)).tocsr()
    n_components, labels = connected_components(graph, directed=False)
    neighbours: dict[int, set[int]] = {}
    for a, b in matched.tolist():
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    records = table.records(neighbours)
    members_of: dict[int, list[int]] = {}
    for index, label in enumerate(labels.tolist()):
        members_of.setdefault(label, []).append(index)
    groups: list[Group] = []
    for members in members_of.values():
        if len(members) < 2:
            continue
        groups.extend(_groups_around_keepers(members, neighbours, records, ranking, table.phash))
    groups.sort(key=lambda group: records[group.keeper]["path"])
    return groups, evidence


def _groups_around_keepers(
    members: list[int],
    neighbours: dict[int, set[int]],
    records: dict[int, PhotoRecord],
    ranking: KeeperRanking,
    phash: np.ndarray,
) -> list[Group]:
    mark_conversions([records[i] for i in members])
    groups = []
    for keeper, *taken in around_keepers(sorted(members, key=lambda i: ranking.key(records[i])), neighbours):
        keeper_record = records[keeper]
        groups.append(
            Group(
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
    groups = []
    remaining = best_first
    while len(remaining) > 1:
        keeper = remaining[0]
        taken = [i for i in remaining[1:] if i in neighbours.get(keeper, ())]
        remaining = [i for i in remaining[1:] if i not in taken]
        if taken:
            groups.append([keeper, *taken])
    return groups


def group_id(digest: str, path: str) -> str:
    """Stable id from the keeper's content (and path, for byte copies kept apart)."""
    return "g" + hashlib.sha256(f"{digest}\0{path}".encode("utf-8", "surrogateescape")).hexdigest()[:10]
