"""The real workflow on libraries that broke earlier versions: every run finishes and loses nothing.

Overlapping roots, libraries with nothing to group, file names no text format likes, a damaged
cache, a malformed decisions file and a run started inside the library.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from support.deletion_helpers import member, snapshot
from support.workflow_runner import SharedRun, snakemake

from photo_dedup.demo import variants
from photo_dedup.outputs.group_tables import read_csv
from photo_dedup.shapes import Group
from photo_dedup.workflow.command import REPO

pytestmark = pytest.mark.e2e


def run_ok(workdir: Path, *config: str) -> subprocess.CompletedProcess[str]:
    result = snakemake(workdir, "--config", *config)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def groups(workdir: Path) -> list[dict]:
    return json.loads((workdir / "results" / "groups.json").read_text())["groups"]


def script(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sh", str(workdir / "results" / "delete-duplicates.sh"), *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        errors="replace",  # file names that are not UTF-8 are printed as they are
        timeout=120,
    )


@pytest.fixture(scope="module")
def unique_library(tmp_path_factory, photos):
    """Three different photos, one of them in a sub-folder."""
    root = tmp_path_factory.mktemp("unique") / "library"
    variants.save_original(photos["astronaut"], root / "astronaut.jpg")
    variants.save_original(photos["coffee"], root / "coffee.jpg")
    variants.save_original(photos["chelsea"], root / "sub" / "chelsea.jpg")
    return root


@pytest.mark.parametrize("overlap", ["a root inside another", "the same folder through a link", "a hard link"])
def test_overlapping_roots_never_make_a_file_its_own_duplicate(tmp_path, unique_library, overlap):
    library = tmp_path / "library"
    shutil.copytree(unique_library, library)
    if overlap == "a root inside another":
        roots = f"library=[{library},{library / 'sub'}]"
    elif overlap == "the same folder through a link":
        (tmp_path / "link").symlink_to(library)
        roots = f"library=[{library},{tmp_path / 'link'}]"
    else:
        os.link(library / "astronaut.jpg", library / "sub" / "same file.jpg")
        roots = f"library={library}"
    before = snapshot(library)
    result = run_ok(tmp_path / "work", roots)
    assert groups(tmp_path / "work") == []
    if overlap != "a hard link":
        assert "scanned once" in result.stderr
    deleting = script(tmp_path / "work", "--delete", "-y")
    assert deleting.returncode == 0, deleting.stdout
    assert snapshot(library) == before


@pytest.mark.parametrize("kind", ["empty folder", "one photo", "all unique", "everything excluded"])
def test_a_library_without_duplicates_gives_complete_results(tmp_path, unique_library, kind):
    library = tmp_path / "library"
    library.mkdir()
    config = [f"library={library}"]
    if kind == "one photo":
        shutil.copy(unique_library / "coffee.jpg", library)
    elif kind in ("all unique", "everything excluded"):
        shutil.copytree(unique_library, library, dirs_exist_ok=True)
        if kind == "everything excluded":
            config.append("exclude=['*.jpg']")
    workdir = tmp_path / "work"
    run_ok(workdir, *config)
    results = workdir / "results"
    for name in ("groups.csv", "groups.json", "unreadable.csv", "report.html", "delete-duplicates.sh"):
        assert (results / name).exists(), name
    assert groups(workdir) == []
    assert "No duplicates found" in (results / "report.html").read_text()
    deleting = script(workdir, "-y")
    assert deleting.returncode == 0 and "Nothing to do" in deleting.stdout
    assert not (workdir / "quarantine").exists()


def test_names_with_any_bytes_line_breaks_and_255_byte_components_survive_every_step(tmp_path, photos):
    library = tmp_path / "library"
    original = variants.save_original(photos["rocket"], library / "rocket.jpg")
    exif = variants.camera_exif(make="Can\ron", model="EOS\nR6")
    camera = variants.save_original(photos["coffee"], library / "coffee.jpg", exif)
    names = [
        os.fsdecode(b"caf\xe9 latin-1.jpg"),  # not UTF-8: any byte sequence the file system allows
        "carriage\rreturn.jpg",
        "line\nfeed\tand tab.jpg",
        "x" * 245 + ".jpg",  # 249 bytes: the sidecar's name would pass 255
        "é" * 120 + ".jpg",  # 244 bytes of two-byte characters
    ]
    copies = [variants.byte_copy(original, library / "copies" / name) for name in names]
    variants.byte_copy(camera, library / "coffee copy.jpg")
    before = snapshot(library)
    workdir = tmp_path / "work"
    run_ok(workdir, f"library={library}")
    found = {member["path"] for group in groups(workdir) for member in group["members"]}
    assert {str(p) for p in copies} <= found
    table = read_csv(workdir / "results" / "groups.csv")
    assert {str(p) for p in copies} <= set(table["path"])
    assert "Can\ron EOS\nR6" in set(table["camera"])
    page = (workdir / "results" / "report.html").read_text(encoding="utf-8")
    assert "caf%E9%20latin-1.jpg" in page  # the link opens the file by its own bytes
    moved = script(workdir, "-y")
    assert moved.returncode == 0, moved.stdout
    assert not any(p.exists() for p in copies)
    restored = subprocess.run(["sh", str(workdir / "quarantine" / "restore.sh")], capture_output=True)
    assert restored.returncode == 0, restored.stdout
    assert snapshot(library) == before


@pytest.fixture(scope="module")
def grouped_run_made(tmp_path_factory, unique_library):
    """One run on the library with 12 byte copies of a photo, shared by the tests of `grouped_run`."""
    base = tmp_path_factory.mktemp("grouped")
    library = base / "library"
    shutil.copytree(unique_library, library)
    for number in range(12):
        variants.byte_copy(library / "coffee.jpg", library / "copies" / f"coffee {number}.jpg")
    workdir = base / "work"
    run_ok(workdir, f"library={library}", "photos_per_job=4")
    shared = SharedRun(workdir, library)
    yield shared, workdir, library
    shared.close()


@pytest.fixture
def grouped_run(grouped_run_made):
    """The working folder and library of that run, as the run left them (a test may change them)."""
    shared, workdir, library = grouped_run_made
    shared.as_made()
    return workdir, library


def summary_and_groups(workdir: Path) -> tuple[dict, list]:
    document = json.loads((workdir / "results" / "groups.json").read_text())
    return document["summary"], document["groups"]


@pytest.mark.parametrize("damage", ["cut at a line break", "cut mid-line", "cache removed"])
def test_a_damaged_cache_is_rebuilt_not_trusted(grouped_run, damage):
    workdir, library = grouped_run
    expected = summary_and_groups(workdir)
    chunks = sorted((workdir / "cache" / "chunks").glob("*.jsonl"))
    biggest = max(chunks, key=lambda path: path.stat().st_size)
    data = biggest.read_bytes()
    if damage == "cut at a line break":
        lines = data.splitlines(keepends=True)
        biggest.write_bytes(b"".join(lines[: len(lines) // 2]))
    elif damage == "cut mid-line":
        biggest.write_bytes(data[: len(data) // 2])
    else:
        shutil.rmtree(workdir / "cache")
    run_ok(workdir, f"library={library}", "photos_per_job=4")
    assert summary_and_groups(workdir) == expected
    assert len(expected[1]) == 1 and len(expected[1][0]["members"]) == 13


@pytest.mark.parametrize(
    "content",
    ['{"decisions": [', '{"decisions": 5}', '{"decisions": [{"action": "keep", "members": "abc"}]}', "[]"],
    ids=["cut short", "not a list", "members not a list", "not an object"],
)
def test_a_malformed_decisions_file_stops_with_one_line_and_withdraws_old_results(grouped_run, content):
    workdir, library = grouped_run
    (workdir / "decisions.json").write_text(content)
    result = snakemake(workdir, "--config", f"library={library}", "photos_per_job=4")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    line = next(line for line in output.splitlines() if line.startswith("photo-dedup: "))
    assert "decisions.json" in line and "withdrawn" in line
    assert not (workdir / "results" / "report.html").exists()
    assert not (workdir / "results" / "delete-duplicates.sh").exists()


def test_a_run_started_inside_the_library_writes_nothing_there(tmp_path, unique_library):
    library = tmp_path / "library"
    shutil.copytree(unique_library, library)
    before = sorted(path.name for path in library.rglob("*"))
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile"), "--cores", "1"]
        + ["--configfile", str(REPO / "config.yaml"), "--config", f"library={library}"],
        cwd=library,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert "inside the library" in result.stdout + result.stderr
    assert sorted(path.name for path in library.rglob("*")) == before


def test_thumbnails_cut_short_by_a_full_disk_are_copied_again(tmp_path):
    from photo_dedup.outputs.contact_sheet import copy_thumbnails

    cache = tmp_path / "cache"
    (cache / "thumbs").mkdir(parents=True)
    Image.new("RGB", (64, 48), "red").save(cache / "thumbs" / "a.jpg", "JPEG")
    groups = [Group("g1", "copy", "", [member(digest="a" * 64, thumbnail="thumbs/a.jpg")])]
    out = tmp_path / "results" / "thumbs"
    out.mkdir(parents=True)
    (out / f"{'a' * 20}.jpg").write_bytes((cache / "thumbs" / "a.jpg").read_bytes()[:100])  # cut short
    copy_thumbnails(groups, cache, out)
    assert (out / f"{'a' * 20}.jpg").read_bytes() == (cache / "thumbs" / "a.jpg").read_bytes()


def test_the_terminal_says_what_was_found_and_what_to_do_next(tmp_path, unique_library):
    library = tmp_path / "library"
    shutil.copytree(unique_library, library)
    for number in range(3):
        variants.byte_copy(library / "coffee.jpg", library / "copies" / f"coffee {number}.jpg")
    result = snakemake(tmp_path / "work", "--quiet", "all", "--config", f"library={library}")  # as the profile has it
    assert result.returncode == 0, result.stderr
    summary = json.loads((tmp_path / "work" / "results" / "groups.json").read_text())["summary"]
    lines = result.stdout.splitlines()
    assert "photo-dedup: fingerprints 6 of 6 photos" in "\n".join(lines)
    assert "photo-dedup: done." in lines
    assert "  6 photos scanned, 0 unreadable" in lines
    assert f"  1 duplicate group: 3 files to remove, {summary['bytes_to_reclaim'] / 1000:.1f} KB to reclaim" in lines
    assert f"  Review: file://{tmp_path / 'work' / 'results' / 'report.html'}" in lines
    assert any(line.startswith("  Next: sh results/delete-duplicates.sh -n") for line in lines)
    assert "Select jobs to execute" not in result.stdout + result.stderr


def test_a_failed_step_is_named_with_its_log(grouped_run):
    workdir, library = grouped_run
    chunk = sorted((workdir / "cache" / "chunks").glob("*.jsonl"))[0]
    data = chunk.read_bytes()
    chunk.write_bytes(data.replace(b'"size": ', b'"size": 9', 1))  # damaged inside: only the gather notices
    result = snakemake(
        workdir, "--quiet", "all", "--forcerun", "find_groups", "--config", f"library={library}", "photos_per_job=4"
    )
    assert result.returncode != 0
    # the verify stage's lists read the chunks first (before the gather), and say it in one line
    assert "photo-dedup: step verify/lists failed; see logs/verify/lists.log" in result.stderr
    assert "Traceback" not in result.stderr
    assert "damaged cache file" in (workdir / "logs" / "verify" / "lists.log").read_text()
    assert run_ok(workdir, f"library={library}", "photos_per_job=4")  # the damaged file was removed and is rebuilt
