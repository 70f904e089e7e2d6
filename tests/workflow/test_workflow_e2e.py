"""The real workflow, end to end, on a generated library with copies, look-alikes and bad files."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image
from support.library_factory import HOSTILE_NAMES, GeneratedLibrary, build_library
from support.workflow_runner import jobs_run, snakemake

pytestmark = pytest.mark.e2e


def library_state(root: Path) -> dict[str, tuple[int, str]]:
    state = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            state[str(path)] = (path.stat().st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest())
    return state


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    base = tmp_path_factory.mktemp("e2e")
    library = build_library(base / "library")
    workdir = base / "work"
    before = library_state(library.root)
    started = time.monotonic()
    result = snakemake(workdir, "--config", f"library={library.root}", "photos_per_job=8")
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stdout + result.stderr
    return {"library": library, "workdir": workdir, "result": result, "before": before, "elapsed": elapsed}


def groups_of(workdir: Path, relation: str = "copy") -> dict[str, set[str]]:
    rows = pd.read_csv(workdir / "results" / "groups.csv", keep_default_na=False)
    rows = rows[rows["relation"] == relation]
    return {gid: set(members["path"]) for gid, members in rows.groupby("group_id")}


def test_every_output_file_is_written(run):
    results = run["workdir"] / "results"
    for name in (
        "groups.csv",
        "groups.json",
        "unreadable.csv",
        "report.html",
        "delete-duplicates.sh",
        "pair-distances.png",
    ):
        assert (results / name).stat().st_size > 0, name
    rows = pd.read_csv(results / "groups.csv", keep_default_na=False)
    for column in ("group_id", "path", "keep", "reason", "format", "width", "height", "size", "taken", "distance"):
        assert column in rows.columns
    summary = json.loads((results / "groups.json").read_text())["summary"]
    assert summary["groups"] == rows[rows["relation"] == "copy"]["group_id"].nunique()
    assert summary["files_to_remove"] == int((~rows["keep"]).sum())
    assert summary["videos_skipped"] == 3


def test_groups_are_exactly_the_copies(run):
    library: GeneratedLibrary = run["library"]
    found = sorted(sorted(group) for group in groups_of(run["workdir"]).values())
    expected = sorted(sorted(str(p) for p in copies) for copies in library.groups.values())
    assert found == expected


def test_a_black_and_white_edit_is_shown_beside_its_original_and_kept(run):
    root = run["library"].root
    edits = groups_of(run["workdir"], "edit")
    assert {str(root / "Masters" / "coffee.jpg"), str(root / "Edits" / "coffee-bw.jpg")} in edits.values()
    rows = pd.read_csv(run["workdir"] / "results" / "groups.csv", keep_default_na=False)
    assert rows[rows["relation"] == "edit"]["keep"].all()
    assert "coffee-bw" not in (run["workdir"] / "results" / "delete-duplicates.sh").read_text()


def test_lookalikes_and_singles_are_not_grouped(run):
    library: GeneratedLibrary = run["library"]
    grouped = {path for group in groups_of(run["workdir"]).values() for path in group}
    for _, lookalike in library.lookalikes:
        assert str(lookalike) not in grouped
    for single in library.singles:
        assert str(single) not in grouped


def test_keepers_follow_the_rules(run):
    rows = pd.read_csv(run["workdir"] / "results" / "groups.csv", keep_default_na=False)
    rows = rows[rows["relation"] == "copy"]
    keepers = set(rows[rows["keep"]]["path"])
    root = run["library"].root
    assert keepers == {
        # a PNG/TIFF/HEIC made from the camera's JPEG (no camera EXIF) is a conversion, never more original
        str(root / "Apple" / "IMG_0001.jpg"),  # (the camera JPEG's byte copy with the shorter path)
        str(root / "Masters" / "chelsea.jpg"),
        str(root / "Masters" / "coffee.jpg"),  # more bytes per pixel than the webp and the auto-adjusted copy
        str(root / "Masters" / "rocket.jpg"),  # byte copies: the shortest path wins
        str(root / "Phone" / "IMG_0100.jpg"),  # higher JPEG quality than the takeout copy
        str(root / "Camera" / "IMG_0200.DNG"),  # RAW beats JPEG at equal pixels ...
        str(root / "Camera" / "IMG_0200.JPG"),  # ... and the camera's JPEG of the shot stays too
    }
    kept_per_group = rows.groupby("group_id")["keep"].sum()
    pair_group = rows[rows["path"].str.endswith("IMG_0200.JPG")]["group_id"].iloc[0]
    assert kept_per_group.drop(pair_group).eq(1).all() and kept_per_group[pair_group] == 2
    assert "RAW and JPEG of one shot" in rows[rows["path"].str.endswith("IMG_0200.JPG")]["reason"].iloc[0]
    png = rows[rows["path"] == str(root / "Exports" / "astronaut.png")].iloc[0]
    assert not png["keep"] and png["conversion"] == "no camera EXIF, while a copy has it"


def test_a_live_photo_video_goes_with_its_photo(run):
    rows = pd.read_csv(run["workdir"] / "results" / "groups.csv", keep_default_na=False)
    root = run["library"].root
    takeout = rows[rows["path"] == str(root / "Takeout" / "IMG_0100.jpg")].iloc[0]
    assert not takeout["keep"]
    assert takeout["companions"] == str(root / "Takeout" / "IMG_0100.MOV")
    assert set(rows[rows["companions"] != ""]["path"]) == {takeout["path"]}


def test_bad_files_are_reported_and_the_rest_processed(run):
    library: GeneratedLibrary = run["library"]
    unreadable = pd.read_csv(run["workdir"] / "results" / "unreadable.csv", keep_default_na=False)
    reasons = dict(zip(unreadable["path"], unreadable["reason"], strict=True))
    root = library.root / "Broken"
    expected = {*map(str, library.broken), str(root / "dangling.jpg"), str(root / "loop.jpg")}
    assert set(reasons) == expected
    assert all(reason.strip() for reason in reasons.values())
    assert "empty" in reasons[str(root / "empty.jpg")]
    assert "truncated" in reasons[str(root / "truncated.jpg")]


def test_hidden_folders_are_excluded(run):
    text = (run["workdir"] / "results" / "groups.csv").read_text()
    assert ".hidden" not in text


def test_nothing_is_written_inside_the_library(run):
    assert library_state(run["library"].root) == run["before"]


def test_dry_run_of_the_deletion_script_changes_nothing(run):
    root = run["library"].root
    result = subprocess.run(
        ["sh", str(run["workdir"] / "results" / "delete-duplicates.sh"), "-n"],
        capture_output=True,
        text=True,
        cwd=run["workdir"],
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("would move:") == 4 + 4 + 1 + 1 + len(HOSTILE_NAMES)
    assert result.stdout.count("  with: ") == 1
    assert library_state(root) == run["before"]
    assert not any(p.name.startswith("PWNED") for p in run["workdir"].parent.rglob("*"))


def test_one_photo_sidecar_can_be_asked_for_by_its_path(run):
    photo = run["library"].root / "Masters" / "hubble.jpg"
    sidecar = run["workdir"] / "cache" / "sidecars" / (str(photo).lstrip("/") + ".json")
    record = json.loads(sidecar.read_text())
    assert record["path"] == str(photo)
    assert record["format"] == "JPEG" and record["error"] is None
    assert len(record["phash"]) == 16 and record["digest"] == hashlib.sha256(photo.read_bytes()).hexdigest()
    sidecar.unlink()
    config = ["--config", f"library={run['library'].root}", "photos_per_job=8"]  # as the first run: same chunks
    result = snakemake(run["workdir"], *config, "--", str(sidecar.relative_to(run["workdir"])))
    assert result.returncode == 0, result.stderr
    assert json.loads(sidecar.read_text())["digest"] == record["digest"]


def chunk_logs(workdir: Path) -> dict[str, str]:
    return {p.stem: p.read_text() for p in (workdir / "logs" / "fingerprint").glob("*.log")}


def test_reruns_redo_only_what_changed(run, tmp_path):
    workdir, root = run["workdir"], run["library"].root
    config = ["--config", f"library={root}", "photos_per_job=8"]

    noop = snakemake(workdir, *config)
    assert noop.returncode == 0, noop.stderr
    assert "Nothing to be done" in noop.stdout + noop.stderr

    # Change one photo's content: only its chunk reruns, and only that photo is decoded again.
    changed = root / "Masters" / "motorcycle.jpg"
    Image.open(changed).convert("RGB").save(changed, "JPEG", quality=60)
    before = chunk_logs(workdir)
    rerun = snakemake(workdir, *config)
    assert rerun.returncode == 0, rerun.stderr
    assert jobs_run(rerun, "fingerprint_chunk") == 1
    after = chunk_logs(workdir)
    rerun_logs = [text for name, text in after.items() if text != before.get(name)]
    assert len(rerun_logs) == 1
    assert "1 decoded" in rerun_logs[0] and "reused" in rerun_logs[0]

    # A touch (new mtime, same bytes) costs a digest, not a decode.
    os.utime(root / "Masters" / "hubble.jpg", ns=(time.time_ns(), time.time_ns()))
    touched = snakemake(workdir, *config)
    assert touched.returncode == 0
    assert jobs_run(touched, "fingerprint_chunk") == 1
    changed_logs = [text for name, text in chunk_logs(workdir).items() if text != after.get(name)]
    assert "1 digest" in changed_logs[0] and "decoded" not in changed_logs[0]

    # A removed photo drops out of the results.
    (root / "Exports" / "astronaut-small.jpg").unlink()
    removed = snakemake(workdir, *config)
    assert removed.returncode == 0
    assert "astronaut-small.jpg" not in (workdir / "results" / "groups.csv").read_text()


def test_a_missing_library_is_a_one_line_error(tmp_path):
    result = snakemake(tmp_path / "w", "--config", f"library={tmp_path / 'nope'}")
    assert result.returncode != 0
    assert f"library folder does not exist or is not a folder: {tmp_path / 'nope'}" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_empty_library_value_is_a_one_line_error_not_the_demo(tmp_path):
    """`--config library=$PHOTOS` with the variable unset: Snakemake reads None, and the schema's
    "None is not valid under any of the given schemas" was all it said. Mutant: the check removed."""
    result = snakemake(tmp_path / "w", "--config", "library=")
    assert result.returncode != 0
    assert "library is empty (--config library=): give the folder of your photos" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "w" / "demo-library").exists()


def test_a_bad_config_value_is_a_clear_error(tmp_path):
    library = tmp_path / "lib"
    library.mkdir()
    result = snakemake(tmp_path / "w", "--config", f"library={library}", "photos_per_job=0")
    assert result.returncode != 0
    assert "photos_per_job" in result.stderr


def test_the_readme_command_runs_the_demo(tmp_path):
    """The README's first command, `snakemake` with no library, builds and cleans the demo library."""
    result = snakemake(tmp_path, "--quiet", "all")
    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads((tmp_path / "results" / "groups.json").read_text())["summary"]
    assert (summary["photos_scanned"], summary["groups"], summary["files_to_remove"], summary["unreadable"]) == (
        29,
        4,
        15,
        3,
    )
    assert summary["edit_groups"] == 2  # the black-and-white coffee and the astronaut's crop, beside their originals
    assert "photo-dedup: done." in result.stdout
    kept = {m["path"] for g in json.loads((tmp_path / "results" / "groups.json").read_text())["groups"]
            for m in g["members"] if m["keep"] and g["relation"] == "copy"}  # fmt: skip
    assert not any("Old PNG exports" in path for path in kept)  # conversions never beat the camera JPEGs


def test_a_plain_rerun_keeps_your_library_and_the_demo_says_it_is_the_demo(tmp_path):
    """After a run on your photos, `snakemake` alone reruns them (never the demo's 29 photos)."""
    library = build_library(tmp_path / "library")
    workdir = tmp_path / "work"
    first = snakemake(workdir, "--config", f"library={library.root}")
    assert first.returncode == 0, first.stderr
    scanned = json.loads((workdir / "results" / "groups.json").read_text())["summary"]["photos_scanned"]
    again = snakemake(workdir)
    assert again.returncode == 0, again.stderr
    assert f"photo-dedup: no library given: using the last run's, {library.root}" in again.stderr
    assert json.loads((workdir / "results" / "groups.json").read_text())["summary"]["photos_scanned"] == scanned
    assert not (workdir / "demo-library").exists()
    # cache/ removed (the hostile try): the folder no longer remembers, and still never runs the demo
    shutil.rmtree(workdir / "cache")
    forgot = snakemake(workdir)
    assert forgot.returncode != 0 and "cache/ was removed): run with --config library=" in forgot.stderr
    assert json.loads((workdir / "results" / "groups.json").read_text())["summary"]["photos_scanned"] == scanned
    demo = snakemake(workdir, "--config", "library=demo")
    assert demo.returncode == 0, demo.stderr
    assert "photo-dedup: demo library (" in demo.stderr
    assert json.loads((workdir / "results" / "groups.json").read_text())["summary"]["photos_scanned"] == 29
