"""Photos identical in every signal measured (IdenticalSets): the candidate pairs found once a set
of them, and the groups every pair would give (see hash_search for the search itself)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from photo_dedup.match.hash_search import close_pairs

if TYPE_CHECKING:
    from photo_dedup.match.verify import PairEvidence


@dataclass
class IdenticalSets:
    """Photos that measure alike against every photo, searched and measured once a set.

    Every measurement of a pair (verify.measure_pairs) reads the two photos' hashes, size in
    pixels, colourfulness, frame count, 64x64 grey picture and colour grid (the `signals` the
    caller gives, grouping.identical_sets), and whether their SHA-256s agree.
    Photos equal in all of these (a *print*: byte copies, pixel-identical frames of a time-lapse,
    blank scans) therefore measure alike against any other photo, and a pair within a print
    measures as the print against itself. So the hash search runs between one photo of each print
    (`between`), one pair measures each print against itself (`within`), and from those:

    - a print that matches itself is a *unit*: a set of copies; one that does not (a blank frame
      has no edges to correlate) splits into its byte-identical sets, each a unit;
    - two units match as wholes, as their prints matched: the groups are those every pair gives.

    The evidence then holds, for each unit, its best photo paired with each other member, and one
    pair for each two units compared, so 10,000 identical frames give 9,999 pairs, not 50
    million. Photos named in a "not duplicates" decision are each a print of their own, so the
    decision applies pair by pair. (A pair's alignment is measured from its lower-numbered photo;
    here from the lower-numbered print: the measure is symmetric up to one pixel of border.)
    """

    print_of: np.ndarray  # photo -> the first photo of its print
    digests: np.ndarray
    between: np.ndarray  # candidate pairs of prints (their first photos)
    within: np.ndarray  # one pair in each print of several photos, of two SHA-256s where it has them
    members: dict[int, list[int]]  # print of several photos -> its photos, ascending
    unit_of: list[int] = field(default_factory=list)  # photo -> the first photo of its unit
    units: dict[int, list[int]] = field(default_factory=dict)  # split print -> its units
    adjacent: dict[int, set[int]] = field(default_factory=dict)  # print -> prints it matched
    print_list: list[int] = field(default_factory=list)  # print_of, as a list (for `matches`)

    @classmethod
    def of(
        cls,
        phash: np.ndarray,
        dhash: np.ndarray,
        signals: list[np.ndarray],
        digests: np.ndarray,
        alone: np.ndarray,
        max_distance: int,
    ) -> IdenticalSets:
        """Args:
        phash, dhash: the hashes, one a photo; signals: the other measured arrays, one row a photo;
        digests: SHA-256s; alone: photos to keep as prints of their own; max_distance: of a candidate.
        """
        print_of = _print_ids(phash, dhash, signals, alone)
        firsts = np.flatnonzero(print_of == np.arange(len(print_of)))
        local = [
            close_pairs(phash[firsts], max_distance),
            close_pairs(dhash[firsts], max_distance),
            _same_value_pairs(digests[firsts]),
        ]
        found = np.concatenate(local)
        between = firsts[np.unique(found, axis=0)] if len(found) else np.empty((0, 2), np.int64)
        members: dict[int, list[int]] = {}
        for index in np.flatnonzero(print_of != np.arange(len(print_of))).tolist():
            members.setdefault(int(print_of[index]), [int(print_of[index])]).append(index)
        within = [
            (first, next((i for i in photos if digests[i] != digests[first]), photos[1]))
            for first, photos in sorted(members.items())
        ]
        return cls(print_of, digests, between.reshape(-1, 2), np.array(within, np.int64).reshape(-1, 2), members)

    def learn(self, accepted: np.ndarray) -> None:
        """Take the verdicts on `between` then `within` (in that order): units and matched prints."""
        self.unit_of = self.print_of.tolist()
        self.print_list = self.print_of.tolist()
        for (first, _), copies in zip(self.within.tolist(), accepted[len(self.between) :].tolist(), strict=True):
            if copies:
                continue
            by_digest: dict[object, int] = {}
            for index in self.members[first]:
                self.unit_of[index] = by_digest.setdefault(self.digests[index], index)
            self.units[first] = sorted(set(by_digest.values()))
        for a, b in self.between[accepted[: len(self.between)]].tolist():
            self.adjacent.setdefault(a, set()).add(b)
            self.adjacent.setdefault(b, set()).add(a)

    def matches(self, a: int, b: int) -> bool:
        """Whether two photos match (after `learn`): one unit, or prints that matched."""
        return self.unit_of[a] == self.unit_of[b] or self.print_list[b] in self.adjacent.get(self.print_list[a], ())

    def components(self) -> np.ndarray:
        """Each photo's connected set of matching photos (a label per photo)."""
        n = len(self.print_of)
        edges = [(index, unit) for index, unit in enumerate(self.unit_of) if index != unit]
        for a, bs in self.adjacent.items():
            for b in bs:
                if a < b:
                    units_a, units_b = self.units.get(a, [a]), self.units.get(b, [b])
                    edges += [(units_a[0], unit) for unit in units_b] + [(unit, units_b[0]) for unit in units_a]
        pairs = np.array(edges, dtype=np.int64).reshape(-1, 2)
        graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n)).tocsr()
        labels: np.ndarray = connected_components(graph, directed=False)[1]
        return labels

    def evidence(self, measured: PairEvidence, best_first: list[list[int]]) -> PairEvidence:
        """The pairs to report, measured by the print pairs they stand for: each unit's best photo
        (the first of it in `best_first`, the components' photos best first) with each other member,
        and for each two prints compared, their units' best photos (one pair where neither split)."""
        n = len(self.print_of)
        best = np.arange(n)  # unit -> its best photo
        for ordered in best_first:
            for index in reversed(ordered):
                best[self.unit_of[index]] = index
        rows: list[tuple[int, int, int, int]] = []  # (a, b, measured row, same bytes: -1 as measured, 0, 1)
        split = [i for i, (a, b) in enumerate(self.between.tolist()) if a in self.units or b in self.units]
        plain = np.ones(len(self.between), dtype=bool)
        plain[split] = False
        for row in split:
            a, b = self.between[row].tolist()
            units_a, units_b = self.units.get(a, [a]), self.units.get(b, [b])
            linked = [(units_a[0], unit) for unit in units_b] + [(unit, units_b[0]) for unit in units_a[1:]]
            rows += [(int(best[x]), int(best[y]), row, -1) for x, y in linked]
        offset = len(self.between)
        for k, first in enumerate(self.within[:, 0].tolist()):
            for unit in self.units.get(first, [first]):
                keeper = int(best[unit])
                rows += [
                    (keeper, i, offset + k, int(self.digests[i] == self.digests[keeper]))
                    for i in self.members[first]
                    if self.unit_of[i] == unit and i != keeper
                ]
            if first in self.units and (measured.edit[offset + k] or measured.similar[offset + k]):
                units = self.units[first]
                rows += [(int(best[units[0]]), int(best[unit]), offset + k, -1) for unit in units[1:]]
        plain_rows = np.flatnonzero(plain)
        extra = np.array(rows, dtype=np.int64).reshape(-1, 4)
        a = np.concatenate([best[self.between[plain_rows, 0]], extra[:, 0]])
        b = np.concatenate([best[self.between[plain_rows, 1]], extra[:, 1]])
        source = np.concatenate([plain_rows, extra[:, 2]])
        same_bytes = np.concatenate([np.full(len(plain_rows), -1), extra[:, 3]])
        pairs = np.stack([np.minimum(a, b), np.maximum(a, b)], axis=1)
        order = np.lexsort((pairs[:, 1], pairs[:, 0]))
        values = {f.name: getattr(measured, f.name)[source[order]] for f in fields(measured) if f.name != "pairs"}
        copies = same_bytes[order] >= 0  # pairs inside a unit: copies, as the unit is
        values["same_bytes"] = np.where(copies, same_bytes[order] == 1, values["same_bytes"])
        values["accepted"] = values["accepted"] | copies
        values["edit"] = values["edit"] & ~copies
        values["similar"] = values["similar"] & ~copies
        return replace(measured, pairs=pairs[order], **values)


def _print_ids(phash: np.ndarray, dhash: np.ndarray, signals: list[np.ndarray], alone: np.ndarray) -> np.ndarray:
    """Photo -> the first photo with the same hashes and signals (byte for byte), or itself."""
    n = len(phash)
    ids = np.arange(n)
    if n < 2:
        return ids
    _, inverse, counts = np.unique(np.stack([phash, dhash], axis=1), axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    first_of: dict[tuple[object, ...], int] = {}
    for index in np.flatnonzero((counts[inverse] > 1) & ~alone).tolist():
        key = (int(inverse[index]), *(signal[index].tobytes() for signal in signals))
        ids[index] = first_of.setdefault(key, index)
    return ids


def _same_value_pairs(values: np.ndarray) -> np.ndarray:
    """Every pair of positions holding the same value (few: only photos kept alone share one)."""
    by_value: dict[object, list[int]] = {}
    for index, value in enumerate(values.tolist()):
        by_value.setdefault(value, []).append(index)
    pairs = [(a, b) for ids in by_value.values() for i, a in enumerate(ids) for b in ids[i + 1 :]]
    return np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
