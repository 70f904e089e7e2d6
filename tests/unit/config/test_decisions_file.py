"""The decisions file, version 1 and 2: "not a copy" per photo and the page's preferred folders."""

from __future__ import annotations

import json

import numpy as np
import pytest

from photo_dedup.choose.applied_decisions import Decisions, load_decisions
from photo_dedup.choose.gather import ranking_from
from photo_dedup.config.decisions_file import DecisionsDocument, DecisionsProblem, load_decisions_file

K, A, X, Y = ("k" * 64, "a" * 64, "x" * 64, "y" * 64)


def write(tmp_path, document) -> str:
    path = tmp_path / "decisions.json"
    path.write_text(json.dumps(document) if not isinstance(document, str) else document)
    return str(path)


def test_a_version_1_file_still_loads(tmp_path):
    path = write(
        tmp_path,
        {
            "version": 1,
            "decisions": [
                {"action": "keep", "keeper": A, "keeper_path": "/p/a.jpg", "members": [K, A]},
                {"action": "not_duplicates", "members": [K, X]},
            ],
        },
    )
    decisions = load_decisions(path)
    assert decisions.chosen_in({K, A}) == (A, "/p/a.jpg")
    assert decisions.not_duplicates == [frozenset({K, X})]
    assert decisions.not_a_copy == [] and decisions.preferred_roots == []
    assert load_decisions_file(path).preferred_roots == []


def test_not_a_copy_takes_one_photo_out_of_its_group_only(tmp_path):
    path = write(
        tmp_path,
        {"version": 2, "decisions": [{"action": "not_a_copy", "photo": X, "members": [K, A, X]}]},
    )
    decisions = load_decisions(path)
    assert decisions.not_a_copy == [(X, frozenset({K, A}))]
    assert decisions.kept_apart() == {K, A, X}
    pairs_a = np.array([X, K, K, X, Y], dtype=object)
    pairs_b = np.array([K, X, A, X, X], dtype=object)
    # X apart from K (either way round); K and A stay copies; X and its own bytes, and X and a
    # photo of another group, are not this decision's business
    assert decisions.rejected(pairs_a, pairs_b).tolist() == [True, True, False, False, False]


def test_the_pages_folders_rank_in_order_and_by_whole_folder_names(tmp_path):
    path = write(tmp_path, {"version": 2, "decisions": [], "preferred_roots": ["/photos/Masters", "/photos/Old/"]})
    decisions = load_decisions(path)
    assert decisions.preferred_roots == ["/photos/Masters", "/photos/Old/"]
    paths = ("/photos/Masters/a.jpg", "/photos/Old/x/b.jpg", "/photos/Masters2/c.jpg")
    ranks = [decisions.folder_rank(path) for path in paths]
    assert ranks == [2, 1, 0]


def photo(path: str, digest: str, width: int) -> dict[str, object]:
    return {
        "path": path,
        "digest": digest,
        "width": width,
        "height": width,
        "format": "JPEG",
        "size": width * 100,
        "jpeg_quality": 90,
        "conversion": "",
        "edits": "",
        "taken": "",
        "has_gps": False,
        "make": "",
        "model": "",
        "apple": None,
    }


def test_the_rerun_ranks_the_pages_folder_first_and_a_chosen_keeper_before_it():
    big, small = photo("/photos/Exports/big.jpg", K, 4000), photo("/photos/Masters/small.jpg", A, 400)
    rules = {"rules": ["pixels", "format", "quality"]}
    assert ranking_from(rules, Decisions()).best_first([small, big])[0] is big
    folders = Decisions(preferred_roots=["/photos/Masters"])
    ranking = ranking_from(rules, folders)
    assert ranking.best_first([big, small])[0] is small
    assert ranking.reason(small, big) == "your choice"
    chosen = Decisions(
        preferred_roots=["/photos/Masters"], chosen_keepers=frozenset({K}), keeps=[(K, "", frozenset({K, A}))]
    )
    assert ranking_from(rules, chosen).best_first([small, big])[0] is big


def test_version_2_is_written_and_reads_back(tmp_path):
    entries = [{"action": "not_a_copy", "photo": X, "members": [K, X], "names": ["x.jpg"]}]
    text = DecisionsDocument(entries, ["/photos/Masters"]).as_json()
    assert json.loads(text)["version"] == 2
    document = load_decisions_file(write(tmp_path, text))
    assert document.entries == entries and document.preferred_roots == ["/photos/Masters"]


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ({"version": 3, "decisions": []}, "version 3; this photo-dedup reads versions 1 and 2"),
        ({"version": True, "decisions": []}, "version"),
        ({"decisions": [], "preferred_roots": "/photos"}, "preferred_roots must be a list"),
        ({"decisions": [], "preferred_roots": ["photos/Masters"]}, "absolute folder paths"),
        ({"decisions": [{"action": "not_a_copy", "members": [K, X]}]}, "needs the photo"),
        ({"decisions": [{"action": "not_a_copy", "photo": Y, "members": [K, X]}]}, "one of members"),
    ],
)
def test_a_bad_version_2_field_is_one_clear_problem(tmp_path, document, problem):
    path = write(tmp_path, document)
    with pytest.raises(DecisionsProblem, match=problem) as raised:
        load_decisions(path)
    assert path in str(raised.value) and "\n" not in str(raised.value)
