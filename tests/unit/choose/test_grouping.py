"""Groups are built around keepers and never chain through a borderline photo."""

import numpy as np
import pandas as pd

from photo_dedup.choose.applied_decisions import Decisions
from photo_dedup.choose.grouping import copy_groups
from photo_dedup.choose.keeper import KeeperRanking
from photo_dedup.match.photo_table import COLUMNS, PhotoTable
from photo_dedup.match.verify import MatchThresholds, measure_pairs


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
            colourfulness=20.0,
        )
        rows.append(row)
    return PhotoTable(
        photos=pd.DataFrame(rows, columns=COLUMNS),
        phash=np.zeros(n, dtype=np.uint64),  # all hashes equal: every pair is a candidate
        dhash=np.zeros(n, dtype=np.uint64),
        luma=np.stack([luma.astype(np.uint8) for luma in lumas]),
        colours=np.full((n, 4, 4, 3), 128, dtype=np.uint8),
    )


def chain() -> list[np.ndarray]:
    """Three 64x64 pictures, each a noisier version of the one before."""
    rng = np.random.default_rng(0)
    a = rng.normal(0, 1, (64, 64))
    b = a + 0.5 * rng.normal(0, 1, (64, 64))
    c = b + 0.5 * rng.normal(0, 1, (64, 64))
    return [np.clip(128 + 30 * x, 0, 255) for x in (a, b, c)]


def test_a_borderline_photo_does_not_chain_two_pictures_together():
    table = table_of(chain(), sizes=[300, 200, 100])
    pairs = np.array([[0, 1], [0, 2], [1, 2]])
    structure = measure_pairs(table, pairs, MatchThresholds()).structure
    ab, ac, bc = structure
    assert ac < min(ab, bc)
    # A threshold that accepts A~B and B~C but not A~C: B is borderline between two pictures.
    thresholds = MatchThresholds(min_structure=(ac + min(ab, bc)) / 2)
    # A is the best copy (largest file), so it keeps B; C matches only B and stays out.
    groups, _ = copy_groups(table, thresholds, KeeperRanking(["quality"]))
    assert [sorted(g.members) for g in groups] == [[0, 1]]


def test_byte_copies_always_group_even_if_signals_disagree():
    rng = np.random.default_rng(1)
    lumas = [np.clip(128 + 40 * rng.normal(0, 1, (64, 64)), 0, 255) for _ in range(2)]
    table = table_of(lumas, sizes=[100, 100], digests=["same", "same"])
    groups, _ = copy_groups(table, MatchThresholds(), KeeperRanking())
    assert len(groups) == 1 and groups[0].same_bytes[1]


def test_not_duplicates_decision_keeps_a_pair_apart():
    a, _, _ = chain()
    table = table_of([a, a], sizes=[200, 100])
    decisions = Decisions(not_duplicates=[frozenset({"d0", "d1"})])
    assert copy_groups(table, MatchThresholds(), KeeperRanking())[0]  # a match without the decision
    groups, evidence = copy_groups(table, MatchThresholds(), KeeperRanking(), decisions)
    assert groups == [] and not evidence.accepted.any()


def test_chosen_keeper_wins_its_group():
    a, _, _ = chain()
    table = table_of([a, a], sizes=[200, 100])
    ranking = KeeperRanking(chosen_digests=frozenset({"d1"}))
    groups, _ = copy_groups(table, MatchThresholds(), ranking)
    assert groups[0].keeper == 1
    assert groups[0].reason == "your choice"


def test_frames_of_one_camera_at_different_moments_are_never_copies(photos):
    """A burst panned by 3 px (0.25 % of the frame) measures as a copy; its capture times differ by
    seconds, the camera is one: similar shots, not copies (the mutant: no exposures_apart check).
    A copy whose clock was moved by whole hours (another time zone) stays a copy."""
    import numpy as np
    from PIL import Image
    from support.signature_table import table_of

    from photo_dedup.match.verify import MatchThresholds, measure_pairs

    image = photos["chelsea"].convert("RGB")
    image = image.resize((image.width * 4, image.height * 4), Image.Resampling.LANCZOS)  # 1804 px wide
    w, h = image.size
    frames = [image.crop((dx, 0, w - 8 + dx, h)) for dx in (0, 3)]
    camera = {"make": "SONY", "model": "DSC-RX100"}
    facts = [
        {**camera, "taken": "2024-05-01T10:00:01"},
        {**camera, "taken": "2024-05-01T10:00:03"},
        {**camera, "taken": "2024-05-01T12:00:01"},
        {"make": "Canon", "model": "EOS R6", "taken": "2024-05-01T10:00:03"},
        {**camera, "taken": "2024-05-04T09:13:07"},  # its date corrected by someone: days apart
    ]
    table = table_of([frames[0], frames[1], frames[0], frames[1], frames[0]], facts)
    evidence = measure_pairs(table, np.array([[0, 1], [0, 2], [0, 3], [0, 4]]), MatchThresholds())
    assert evidence.accepted.tolist() == [False, True, True, True]
    assert evidence.similar[0]


def test_a_copy_a_few_bytes_apart_of_one_size_is_never_removed_for_the_other(photos):
    """Bit rot: 16 bytes flipped inside a JPEG's image data keep its size and garble part of its
    picture; which of the two is damaged the pixels cannot say, so neither is a removable copy (the
    mutant: no same-size check lets the shorter path win the tie and removes the intact file)."""
    import io

    import numpy as np
    from PIL import Image
    from support.signature_table import table_of

    from photo_dedup.match.verify import MatchThresholds, measure_pairs

    data = io.BytesIO()
    photos["coffee"].convert("RGB").save(data, "JPEG", quality=90)
    intact = bytearray(data.getvalue())
    rotten = bytearray(intact)
    middle = len(rotten) * 3 // 4
    rotten[middle : middle + 16] = bytes(b ^ 0x5A for b in rotten[middle : middle + 16])
    pictures = [Image.open(io.BytesIO(bytes(b))).convert("RGB") for b in (intact, rotten)]
    size = {"size": len(intact)}
    table = table_of([pictures[0], pictures[1], pictures[0]], [size, size, {"size": len(intact) + 7}])
    evidence = measure_pairs(table, np.array([[0, 1], [0, 2]]), MatchThresholds())
    assert not evidence.accepted[0]
    assert evidence.accepted[1]  # the same picture at another size (metadata added) stays a copy
