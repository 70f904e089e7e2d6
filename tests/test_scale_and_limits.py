"""Hostile sizes: a folder tree 1,100 deep, a decisions file nested 100,000 deep or 2 GB large,
a full disk, thousands of identical frames. None may crash or lose a photo; each says one line."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from photo_dedup.scan import scan_library

DEPTH = 1_100  # Python's recursion limit is 1,000


def make_deep_tree(root: Path, depth: int) -> list[str]:
    """Folders d/d/d/... `depth` deep (made through folder descriptors, one level at a time), a photo
    and its Live Photo video at level 500, a photo at the bottom. Returns the photos' paths."""
    photos = []
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    path = str(root)
    try:
        for level in range(1, depth + 1):
            os.mkdir("d", dir_fd=fd)
            below = os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd, path = below, path + "/d"
            names = {500: ["IMG_1.HEIC", "IMG_1.MOV"], depth: ["bottom.jpg"]}.get(level, [])
            for name in names:
                os.close(os.open(name, os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd))
            photos += [f"{path}/{name}" for name in names if not name.endswith(".MOV")]
    finally:
        os.close(fd)
    return photos


def remove_deep_tree(top: Path) -> None:
    """Remove a chain of single folders without recursion (Python 3.11's shutil.rmtree recurses)."""
    fds = [os.open(top, os.O_RDONLY | os.O_DIRECTORY)]
    try:
        while "d" in os.listdir(fds[-1]):
            fds.append(os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fds[-1]))
        while fds:
            fd = fds.pop()
            for name in os.listdir(fd):
                os.unlink(name, dir_fd=fd)
            os.close(fd)
            if fds:
                os.rmdir("d", dir_fd=fds[-1])
    finally:
        for fd in fds:
            os.close(fd)


@pytest.fixture
def deep_library(tmp_path: Path) -> Iterator[tuple[Path, list[str]]]:
    root = tmp_path / "library"
    root.mkdir()
    (root / "a.jpg").write_bytes(b"a")
    (root / "z.jpg").write_bytes(b"z")
    photos = make_deep_tree(root, DEPTH)
    yield root, sorted([str(root / "a.jpg"), str(root / "z.jpg"), *photos])
    remove_deep_tree(root)


def test_a_tree_1100_folders_deep_is_scanned_whole(deep_library: tuple[Path, list[str]]) -> None:
    root, expected = deep_library
    result = scan_library([str(root)], ["*.tmp"])
    assert [entry.path for entry in result.photos] == expected
    assert result.counts["photo"] == 4
    assert result.counts["video"] == 1
    live = next(path for path in expected if path.endswith(".HEIC"))
    assert result.companions == {live: [["video", live[: -len("HEIC")] + "MOV"]]}
    assert result.problems == []


def test_deep_excludes_still_apply(deep_library: tuple[Path, list[str]]) -> None:
    root, expected = deep_library
    result = scan_library([str(root)], ["d/" * 600 + "**"])
    assert [entry.path for entry in result.photos] == [p for p in expected if p.count("/d") < 600]


def deep_decisions(depth: int) -> str:
    """A valid JSON decisions file with one extra value nested `depth` levels deep."""
    return '{"decisions": [], "note": ' + "[" * depth + "]" * depth + "}"


HOSTILE_DECISIONS = {
    "nested 100,000 deep": (deep_decisions(100_000), "nested more than 32 levels deep"),
    "nested 100,000 deep and cut short": ("[" * 100_000, "decisions.json: "),
    "not UTF-8": (b'{"decisions": [{"action": "keep_all", "members": ["\xff"]}]}', "not UTF-8 text: byte 52"),
    "a number too large": ('{"decisions": [], "version": 1e999}', "the number 1e999 is too large"),
    "Infinity": ('{"decisions": [], "version": Infinity}', "Infinity is not a JSON number"),
    "an integer of 5,000 digits": ('{"decisions": [], "version": ' + "9" * 5000 + "}", "not valid JSON"),
    "a repeated key": (
        '{"decisions": [{"action": "keep_all", "action": "not_duplicates", "members": ["a", "b"]}]}',
        "the key 'action' appears twice in one object",
    ),
}


@pytest.mark.parametrize("name", HOSTILE_DECISIONS)
def test_a_hostile_decisions_file_is_one_line_not_a_crash(tmp_path: Path, name: str) -> None:
    from photo_dedup.decisions import load_decisions
    from photo_dedup.decisions_file import DecisionsProblem

    content, problem = HOSTILE_DECISIONS[name]
    path = tmp_path / "decisions.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(DecisionsProblem) as raised:
        load_decisions(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: ") and problem in message
    assert "\n" not in message and len(message) < 300


def test_a_2_gb_decisions_file_is_refused_unread(tmp_path: Path) -> None:
    from photo_dedup.decisions_file import DecisionsProblem, load_decisions_document

    path = tmp_path / "decisions.json"
    with open(path, "wb") as handle:  # sparse: 2 GB long, no blocks on disk
        handle.truncate(2 * 1024**3)
    with pytest.raises(DecisionsProblem, match=r"too large for a decisions file \(2147 MB; at most 64 MB\)"):
        load_decisions_document(path)


def test_brackets_inside_strings_do_not_count_as_nesting(tmp_path: Path) -> None:
    from photo_dedup.decisions_file import load_decisions_document, nesting_depth

    assert nesting_depth(deep_decisions(31)) == 32  # the object, then 31 arrays
    assert nesting_depth(deep_decisions(32)) == 33  # the most it counts
    path = tmp_path / "decisions.json"
    path.write_text('{"decisions": [{"action": "keep_all", "members": ["' + "[{" * 500 + '\\"", "b"]}]}')
    assert load_decisions_document(path)[0]["members"][1] == "b"


@pytest.mark.e2e
@pytest.mark.parametrize("name", ["nested 100,000 deep", "not UTF-8", "a repeated key"])
def test_the_run_stops_with_one_line_and_withdraws_the_old_results(tmp_path: Path, name: str) -> None:
    from workflow_runner import snakemake

    library, workdir = tmp_path / "library", tmp_path / "work"
    library.mkdir()
    (workdir / "results").mkdir(parents=True)
    for old in ("report.html", "delete-duplicates.sh", "groups.json"):
        (workdir / "results" / old).write_text("from an earlier run\n")
    content = HOSTILE_DECISIONS[name][0]
    (workdir / "decisions.json").write_bytes(content if isinstance(content, bytes) else content.encode())

    result = snakemake(workdir, "--config", f"library={library}")

    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output and "RecursionError" not in output
    lines = [line for line in output.splitlines() if line.startswith("photo-dedup: ")]
    assert len(lines) == 1, output
    assert "decisions.json" in lines[0] and HOSTILE_DECISIONS[name][1] in lines[0]
    assert "the previous results were withdrawn (results/groups.json, results/report.html, " in lines[0]
    assert sorted(os.listdir(workdir / "results")) == []
