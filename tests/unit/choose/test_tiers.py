"""Edits of one shot and similar shots: shown beside their original, never removed unless chosen."""

from __future__ import annotations

import json
import subprocess

import pytest
from support.workflow_runner import snakemake

from photo_dedup.demo import variants
from photo_dedup.outputs.group_tables import read_csv

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def shots(tmp_path_factory, photos):
    base = tmp_path_factory.mktemp("tiers")
    library = base / "library"
    image = photos["chelsea"]
    original = variants.save_original(image, library / "Camera" / "chelsea.jpg")
    variants.byte_copy(original, library / "Backup" / "chelsea.jpg")
    variants.black_and_white(image, library / "Edits" / "chelsea-bw.jpg")
    variants.colour_graded(image, library / "Edits" / "chelsea-warm.jpg")
    variants.burst_neighbour(photos["motorcycle"], library / "Burst" / "IMG_1.jpg", shift=0.0, seed=1)
    variants.burst_neighbour(photos["motorcycle"], library / "Burst" / "IMG_2.jpg", shift=0.04, seed=1)
    return base, library


RESULTS = {}


def run(base, library, name, *config):
    workdir = base / name
    result = snakemake(workdir, "--config", f"library={library}", *config)
    assert result.returncode == 0, result.stdout + result.stderr
    RESULTS[workdir] = result
    return workdir, read_csv(workdir / "results" / "groups.csv")


def by_relation(rows, relation):
    rows = rows[rows["relation"] == relation]
    return [set(members["path"]) for _, members in rows.groupby("group_id")]


def test_edits_are_listed_apart_from_copies_and_never_removed(shots):
    base, library = shots
    workdir, rows = run(base, library, "default")
    copies = {str(library / folder / "chelsea.jpg") for folder in ("Camera", "Backup")}
    assert by_relation(rows, "copy") == [copies]
    kept = rows[(rows["relation"] == "copy") & (rows["keep"] == "True")]["path"].iloc[0]
    edits = {str(library / "Edits" / name) for name in ("chelsea-bw.jpg", "chelsea-warm.jpg")}
    assert by_relation(rows, "edit") == [{kept, *edits}]  # the edits beside the copy that stays
    assert (rows[rows["relation"] == "edit"]["keep"] == "True").all()
    assert by_relation(rows, "similar") == []  # off by default
    script = (workdir / "results" / "delete-duplicates.sh").read_text()
    assert "chelsea-bw" not in script and "chelsea-warm" not in script
    summary = json.loads((workdir / "results" / "groups.json").read_text())["summary"]
    assert (summary["groups"], summary["edit_groups"], summary["files_to_remove"]) == (1, 1, 1)
    assert "Edits of one shot (1)" in (workdir / "results" / "report.html").read_text()
    assert "  Also on the page, kept unless you choose: 1 edit of one shot" in RESULTS[workdir].stdout


def test_choosing_the_photo_to_keep_in_an_edit_group_removes_the_others(shots):
    base, library = shots
    workdir, rows = run(base, library, "chosen")
    edit_rows = rows[rows["relation"] == "edit"]
    camera = edit_rows[edit_rows["name"] == "chelsea.jpg"].iloc[0]
    decision = {
        "action": "keep",
        "keeper": camera["digest"],
        "keeper_path": camera["path"],
        "members": list(edit_rows["digest"]),
    }
    (workdir / "decisions.json").write_text(json.dumps({"decisions": [decision]}))
    workdir, rows = run(base, library, "chosen")
    edit_rows = rows[rows["relation"] == "edit"]
    assert set(edit_rows[edit_rows["keep"] == "False"]["name"]) == {"chelsea-bw.jpg", "chelsea-warm.jpg"}
    moved = subprocess.run(
        ["sh", str(workdir / "results" / "delete-duplicates.sh"), "-n"], capture_output=True, text=True
    )
    assert moved.stdout.count("would move:") == 3  # the byte copy and the two edits, as chosen


def test_similar_shots_are_listed_when_asked_for(shots):
    base, library = shots
    _, rows = run(base, library, "similar", "similar_shots=true")
    assert by_relation(rows, "similar") == [{str(library / "Burst" / name) for name in ("IMG_1.jpg", "IMG_2.jpg")}]
    assert (rows[rows["relation"] == "similar"]["keep"] == "True").all()


def test_half_and_quarter_size_copies_of_real_photos_are_all_found(tmp_path, photos):
    library = tmp_path / "library"
    expected = {}
    for name, image in photos.items():
        big = image.resize((image.width * 2, image.height * 2))
        original = variants.save_original(big, library / "Masters" / f"{name}.jpg")
        copies = {str(original)}
        for factor in (2, 4):
            small = big.resize((big.width // factor, big.height // factor))
            copies.add(str(variants.save_original(small, library / f"1-{factor}" / f"{name}.jpg", quality=85)))
        expected[name] = copies
    _, rows = run(tmp_path, library, "work")
    found = sorted(sorted(group) for group in by_relation(rows, "copy"))
    assert found == sorted(sorted(copies) for copies in expected.values())
