"""Groups are built around keepers and never chain through a borderline photo."""

import numpy as np
import pandas as pd

from photo_dedup.decisions import Decisions
from photo_dedup.grouping import find_groups
from photo_dedup.keeper import KeeperRanking
from photo_dedup.photo_table import COLUMNS, PhotoTable
from photo_dedup.verify import MatchThresholds


def table_of(lumas: list[np.ndarray], sizes: list[int], digests: list[str] | None = None) -> PhotoTable:
    n = len(lumas)
    rows = []
    for i in range(n):
        row = dict.fromkeys(COLUMNS)
        row.update(
            path=f"/lib/{i}.jpg",
            digest=(digests or [f"d{i}" for i in range(n)])[i],
            size=sizes[i],
            format="JPEG",
            width=640,
            height=480,
            colorfulness=20.0,
        )
        rows.append(row)
    return PhotoTable(
        photos=pd.DataFrame(rows, columns=COLUMNS),
        phash=np.zeros(n, dtype=np.uint64),  # all hashes equal: every pair is a candidate
        dhash=np.zeros(n, dtype=np.uint64),
        luma=np.stack([luma.astype(np.uint8) for luma in lumas]),
        chroma=np.full((n, 4, 4, 2), 128, dtype=np.uint8),
    )


def chain() -> list[np.ndarray]:
    """A, B, C where A~B and B~C correlate above 0.95 but A~C does not."""
    rng = np.random.default_rng(0)
    base = rng.normal(0, 1, (32, 32))
    a = base
    b = a + 0.26 * rng.normal(0, 1, (32, 32))
    c = b + 0.26 * rng.normal(0, 1, (32, 32))
    return [np.clip(128 + 40 * x, 0, 255) for x in (a, b, c)]


def correlation(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.corrcoef(x.ravel(), y.ravel())[0, 1])


def test_a_borderline_photo_does_not_chain_two_pictures_together():
    a, b, c = chain()
    assert correlation(a, b) > 0.95 and correlation(b, c) > 0.95 and correlation(a, c) < 0.95
    # A is the best copy (largest file), so it keeps B; C matches only B and stays out.
    table = table_of([a, b, c], sizes=[300, 200, 100])
    groups, _ = find_groups(table, MatchThresholds(), KeeperRanking(["quality"]))
    assert [sorted(g.members) for g in groups] == [[0, 1]]


def test_byte_copies_always_group_even_if_signals_disagree():
    rng = np.random.default_rng(1)
    lumas = [np.clip(128 + 40 * rng.normal(0, 1, (32, 32)), 0, 255) for _ in range(2)]
    table = table_of(lumas, sizes=[100, 100], digests=["same", "same"])
    groups, _ = find_groups(table, MatchThresholds(), KeeperRanking())
    assert len(groups) == 1 and groups[0].same_bytes[1]


def test_not_duplicates_decision_keeps_a_pair_apart():
    a, b, _ = chain()
    table = table_of([a, b], sizes=[200, 100])
    decisions = Decisions(not_duplicates=[frozenset({"d0", "d1"})])
    groups, evidence = find_groups(table, MatchThresholds(), KeeperRanking(), decisions)
    assert groups == [] and not evidence.accepted.any()


def test_chosen_keeper_wins_its_group():
    a, b, _ = chain()
    table = table_of([a, b], sizes=[200, 100])
    ranking = KeeperRanking(chosen_digests=frozenset({"d1"}))
    groups, _ = find_groups(table, MatchThresholds(), ranking)
    assert groups[0].keeper == 1
    assert groups[0].reason == "chosen by you in the contact sheet"
