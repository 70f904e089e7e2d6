"""Hostile sizes: a folder tree 1,100 deep, a decisions file nested 100,000 deep or 2 GB large,
a full disk, thousands of identical frames. None may crash or lose a photo; each says one line."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from photo_dedup.scan.walk import scan_library

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
    from photo_dedup.choose.applied_decisions import load_decisions
    from photo_dedup.config.decisions_file import DecisionsProblem

    content, problem = HOSTILE_DECISIONS[name]
    path = tmp_path / "decisions.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(DecisionsProblem) as raised:
        load_decisions(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: ") and problem in message
    assert "\n" not in message and len(message) < 300


def test_a_2_gb_decisions_file_is_refused_unread(tmp_path: Path) -> None:
    from photo_dedup.config.decisions_file import DecisionsProblem, load_decisions_document

    path = tmp_path / "decisions.json"
    with open(path, "wb") as handle:  # sparse: 2 GB long, no blocks on disk
        handle.truncate(2 * 1024**3)
    with pytest.raises(DecisionsProblem, match=r"too large for a decisions file \(2147 MB; at most 64 MB\)"):
        load_decisions_document(path)


def test_brackets_inside_strings_do_not_count_as_nesting(tmp_path: Path) -> None:
    from photo_dedup.config.decisions_file import load_decisions_document, nesting_depth

    assert nesting_depth(deep_decisions(31)) == 32  # the object, then 31 arrays
    assert nesting_depth(deep_decisions(32)) == 33  # the most it counts
    path = tmp_path / "decisions.json"
    path.write_text('{"decisions": [{"action": "keep_all", "members": ["' + "[{" * 500 + '\\"", "b"]}]}')
    assert load_decisions_document(path)[0]["members"][1] == "b"


@pytest.mark.e2e
@pytest.mark.parametrize("name", ["nested 100,000 deep", "not UTF-8", "a repeated key"])
def test_the_run_stops_with_one_line_and_withdraws_the_old_results(tmp_path: Path, name: str) -> None:
    from support.workflow_runner import snakemake

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


# --- identical sets: grouped through one photo of each set, as every pair would group them ---------


def jpeg_again(image, quality: int):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def pictures(photos):
    """Originals and what is made of them: copies, an edit, a burst neighbour, blank and smooth frames."""
    from PIL import Image, ImageEnhance

    chelsea, coffee, rocket = photos["chelsea"], photos["coffee"], photos["rocket"]
    width, height = chelsea.size
    smooth = Image.linear_gradient("L").resize((300, 200)).convert("RGB")
    return [
        chelsea,  # 0
        jpeg_again(chelsea, 70),  # 1: recompressed copy
        chelsea.resize((width // 2, height // 2)),  # 2: resized copy
        chelsea.convert("L").convert("RGB"),  # 3: black-and-white edit
        ImageEnhance.Color(chelsea).enhance(1.8),  # 4: colour edit
        coffee,  # 5
        jpeg_again(coffee, 60),  # 6
        rocket.crop((8, 0, rocket.width, rocket.height - 6)),  # 7: like a burst neighbour of 8
        rocket.crop((0, 6, rocket.width - 8, rocket.height)),  # 8
        Image.new("RGB", (400, 300), (90, 90, 90)),  # 9: a blank frame
        smooth,  # 10: smooth: alike, barely aligned
    ]


def library_table(photos, copies: list[tuple[int, int, int]], seed: int = 0, one_moment: bool = False):
    """A table of `copies`: (picture, files with one SHA-256, SHA-256s), in shuffled order; with
    `one_moment`, all taken by one camera in one second (so crops and turns are searched too)."""
    from support.signature_table import table_of

    base = table_of(pictures(photos))
    rows, digests = [], []
    for picture, files, contents in copies:
        for content in range(contents):
            rows += [picture] * files
            digests += [f"p{picture}c{content}"] * files
    order = np.random.default_rng(seed).permutation(len(rows))
    rows, digests = [rows[i] for i in order], [digests[i] for i in order]
    frame = base.photos.iloc[rows].reset_index(drop=True)
    frame["digest"] = digests
    frame["path"] = [f"/lib/{i:05d}.jpg" for i in range(len(rows))]
    frame["size"] = [1000 - (i * 7919) % 997 for i in range(len(rows))]
    if one_moment:
        frame["taken"], frame["make"], frame["model"] = "2021-06-12T10:31:07", "Canon", "EOS R6"
    from photo_dedup.match.photo_table import PhotoTable

    return PhotoTable(frame, base.phash[rows], base.dhash[rows], base.luma[rows], base.colours[rows])


def all_pairs_groups(table, thresholds, ranking, decisions):
    """The grouping as it was: every candidate pair measured, neighbours from every match."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    from photo_dedup.choose.grouping import around_keepers, candidate_pairs
    from photo_dedup.choose.keeper import mark_conversions
    from photo_dedup.match.verify import measure_pairs

    evidence = measure_pairs(table, candidate_pairs(table, thresholds), thresholds)
    digests = table.photos["digest"].to_numpy(dtype=object)
    if decisions.not_duplicates:
        apart = decisions.rejected(digests[evidence.pairs[:, 0]], digests[evidence.pairs[:, 1]])
        evidence.accepted &= ~apart
        evidence.edit &= ~apart
        evidence.similar &= ~apart
    matched = evidence.pairs[evidence.accepted]
    n = len(table)
    graph = coo_matrix((np.ones(len(matched)), (matched[:, 0], matched[:, 1])), shape=(n, n))
    labels = connected_components(graph, directed=False)[1]
    neighbours: dict[int, set[int]] = {}
    for a, b in matched.tolist():
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    records = table.records(range(n))
    groups = []
    for label in sorted(set(labels.tolist())):
        members = [i for i in range(n) if labels[i] == label]
        if len(members) < 2:
            continue
        mark_conversions([records[i] for i in members])
        best_first = sorted(members, key=lambda i: ranking.key(records[i]))
        groups += [
            (g[0], frozenset(g[1:]), ranking.reason(records[g[0]], records[g[1]]))
            for g in around_keepers(best_first, neighbours)
        ]
    return sorted(groups, key=lambda group: records[group[0]]["path"]), evidence


def outcome(table, groups, evidence, similar_shots: bool = True):
    """What a run shows: the copy groups, then the edit and similar groups built on them."""
    from photo_dedup.choose.keeper import KeeperRanking
    from photo_dedup.choose.tiers import EDIT, SIMILAR, edit_pairs, review_groups

    ranking = KeeperRanking()
    copies = [(g.keeper, frozenset(g.members[1:]), g.reason, tuple(sorted(g.distance.items()))) for g in groups]
    edits = review_groups(table, edit_pairs(table, evidence, groups), groups, ranking, EDIT)
    similar = review_groups(table, evidence.pairs[evidence.similar], groups, ranking, SIMILAR)
    return (
        copies,
        [(g.keeper, frozenset(g.members)) for g in edits],
        [(g.keeper, frozenset(g.members)) for g in similar],
    )


IDENTICAL_LIBRARIES = {
    "byte copies and pixel-identical copies": [(0, 5, 3), (1, 2, 1), (2, 1, 2), (5, 4, 1), (6, 1, 1)],
    "edits of an identical set": [(0, 3, 2), (3, 2, 2), (4, 1, 3), (1, 1, 1)],
    "blank and smooth frames": [(9, 2, 4), (10, 1, 3), (10, 2, 1), (7, 1, 1), (8, 2, 1)],
    "all of it": [(p, 1 + p % 3, 1 + p % 2) for p in range(11)],
    "all of it, taken at one moment": [(p, 1 + p % 3, 1 + p % 2) for p in range(11)],
}


@pytest.mark.parametrize("name", IDENTICAL_LIBRARIES)
def test_identical_sets_group_as_every_pair_would(photos, name: str) -> None:
    from photo_dedup.choose.applied_decisions import Decisions
    from photo_dedup.choose.grouping import FoundGroup, copy_groups
    from photo_dedup.choose.keeper import KeeperRanking
    from photo_dedup.match.verify import MatchThresholds

    table = library_table(photos, IDENTICAL_LIBRARIES[name], one_moment="one moment" in name)
    thresholds, ranking = MatchThresholds(), KeeperRanking()
    groups, evidence = copy_groups(table, thresholds, ranking)
    expected, every_pair = all_pairs_groups(table, thresholds, ranking, Decisions())
    assert [(g.keeper, frozenset(g.members[1:]), g.reason) for g in groups] == expected
    assert len(evidence.pairs) <= len(every_pair.pairs)
    old_groups = [FoundGroup("", keeper, reason, [keeper, *sorted(taken)]) for keeper, taken, reason in expected]
    assert outcome(table, groups, evidence)[1:] == outcome(table, old_groups, every_pair)[1:]


def test_a_not_duplicates_decision_inside_an_identical_set_applies_pair_by_pair(photos) -> None:
    from photo_dedup.choose.applied_decisions import Decisions
    from photo_dedup.choose.grouping import copy_groups
    from photo_dedup.choose.keeper import KeeperRanking
    from photo_dedup.match.verify import MatchThresholds

    table = library_table(photos, [(0, 3, 4), (1, 2, 1), (5, 2, 2)], seed=3)
    decisions = Decisions(not_duplicates=[frozenset({"p0c0", "p0c1", "p1c0"})])
    thresholds, ranking = MatchThresholds(), KeeperRanking()
    groups, _ = copy_groups(table, thresholds, ranking, decisions)
    expected, _ = all_pairs_groups(table, thresholds, ranking, decisions)
    assert [(g.keeper, frozenset(g.members[1:]), g.reason) for g in groups] == expected
    digests = table.photos["digest"]
    for group in groups:  # none holds two of the photos kept apart, unless byte-identical
        apart = {digests[i] for i in group.members} & {"p0c0", "p0c1", "p1c0"}
        assert len(apart) <= 1


def test_thousands_of_identical_photos_cost_linear_pairs(photos) -> None:
    """2,000 identical frames: 1,000 byte copies and 1,000 pixel-identical files (other bytes).
    Every pair would be 1,999,000 pairs to measure; one photo of the set with each other is 1,999."""
    from photo_dedup.choose.grouping import copy_groups
    from photo_dedup.choose.keeper import KeeperRanking
    from photo_dedup.match.verify import MatchThresholds

    table = library_table(photos, [(0, 1000, 1), (0, 1, 1000), (9, 3, 2)], seed=1)
    groups, evidence = copy_groups(table, MatchThresholds(), KeeperRanking())
    assert len(evidence.pairs) < 2 * 2000
    frames = [group for group in groups if len(group.members) == 2000]
    assert len(frames) == 1
    byte_copies_of_keeper = 999 if table.photos["digest"][frames[0].keeper] == "p0c0" else 0
    assert sum(frames[0].same_bytes.values()) == byte_copies_of_keeper
    assert evidence.accepted.sum() == len(evidence.pairs) == 1999 + 2 * 2  # and each blank frame with its 2 byte copies


# --- a full disk: one line, no traceback ----------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """small_disk(size): a real tmpfs of that size (mount -t tmpfs, as root), unmounted at the end."""
    import subprocess

    mounted: list[Path] = []

    def mount(size: str) -> Path:
        folder = tmp_path / f"disk{len(mounted)}"
        folder.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True, text=True
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a small tmpfs here (needs root): {done.stderr.strip()}")
        mounted.append(folder)
        return folder

    yield mount
    for folder in mounted:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path) -> None:
    """Fill a file system to the last byte."""
    with open(folder / "filler", "wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError:
            pass


def test_the_write_helpers_say_where_and_how_much_on_a_full_disk(small_disk, tmp_path: Path) -> None:
    from photo_dedup.cache.atomic import DiskFull, copy_file, replacing, write_text

    disk = small_disk("256k")
    (disk / "cache").mkdir()
    write_text(disk / "cache" / "old.json", "the old record\n")
    fill(disk)

    with pytest.raises(DiskFull) as raised:
        write_text(disk / "cache" / "old.json", "x" * 250_000)
    assert raised.value.needed == 250_000 and raised.value.folder == str(disk / "cache")
    assert str(raised.value) == f"disk full: 0.3 MB needed in {disk / 'cache'}"
    assert (disk / "cache" / "old.json").read_text() == "the old record\n"  # the old file stays whole

    source = tmp_path / "thumb.jpg"
    source.write_bytes(b"\xff" * 1_500_000)
    with pytest.raises(DiskFull, match=r"^disk full: 1\.5 MB needed in .*/results/thumbs$"):
        copy_file(source, disk / "results" / "thumbs" / "thumb.jpg")

    (disk / "filler").unlink()
    fill(disk)  # the folders exist now: the temporary file is made, then its writing fails
    with pytest.raises(DiskFull) as raised, replacing(disk / "cache" / "chunk.jsonl") as tmp, open(tmp, "wb") as out:
        for _ in range(100):
            out.write(b"y" * 10_000)
            out.flush()
    assert raised.value.needed > 0
    assert sorted(path.name for path in (disk / "cache").iterdir()) == ["old.json"]  # no temporary file left


STEP = """
import sys
from photo_dedup.cache.atomic import write_text
from photo_dedup.workflow.step_log import logging_to
with logging_to("logs/fingerprint/c00001.log"):
    write_text(sys.argv[1] + "/cache/sidecars/a.json", "x" * 400_000)
"""


def test_steps_on_a_full_disk_say_one_line_once(small_disk, tmp_path: Path) -> None:
    import json
    import subprocess
    import sys
    import time

    from photo_dedup.outputs.run_summary import failure_line

    disk = small_disk("64k")
    fill(disk)
    workdir = tmp_path / "work"
    (workdir / "cache").mkdir(parents=True)
    (workdir / "cache" / "progress.json").write_text(json.dumps({"started": time.time(), "chunks": {}}))
    since = time.time() - 1
    runs = [
        subprocess.run([sys.executable, "-c", STEP, str(disk)], cwd=workdir, capture_output=True, text=True)
        for _ in range(3)  # three steps of one run
    ]
    assert [run.returncode for run in runs] == [1, 1, 1]
    assert all("Traceback" not in run.stdout + run.stderr for run in runs)
    said = [line for run in runs for line in (run.stdout + run.stderr).splitlines()]
    line = f"photo-dedup: disk full: 0.4 MB needed in {disk / 'cache' / 'sidecars'} (step fingerprint/c00001)"
    assert said == [line]
    log = (workdir / "logs" / "fingerprint" / "c00001.log").read_text()
    assert "step failed: disk full: 0.4 MB needed" in log and "Traceback" not in log
    assert failure_line(workdir, since) == ""  # said already: the end of the run adds nothing
    assert failure_line(workdir, since) == line  # (had no step said it, the end of the run would)


@pytest.mark.e2e
def test_a_run_on_a_full_disk_stops_in_one_line(small_disk, tmp_path: Path) -> None:
    from PIL import Image
    from support.workflow_runner import snakemake

    library = tmp_path / "library"
    rng = np.random.default_rng(0)
    for i in range(60):  # noise: thumbnails larger than the run's estimate, so the disk fills during the run
        (library / f"f{i % 3}").mkdir(parents=True, exist_ok=True)
        pixels = rng.integers(0, 256, (480, 640, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(library / f"f{i % 3}" / f"N{i:03d}.jpg", quality=90)

    for size, step in (("64k", "scan"), ("3000k", "fingerprint/")):
        workdir = small_disk(size)
        result = snakemake(workdir, "--quiet", "all", "--config", f"library={library}")  # as the profile has it
        output = result.stdout + result.stderr
        assert result.returncode != 0
        assert "Traceback" not in output and "Errno 28" not in output, output
        said = [line for line in output.splitlines() if line.startswith("photo-dedup: disk full: ")]
        assert len(said) == 1, output
        assert re.fullmatch(rf"photo-dedup: disk full: \d+\.\d MB needed in {workdir}\S* \(step {step}\S*\)", said[0])


def test_cache_files_are_written_however_deep_their_photo_lies(tmp_path: Path) -> None:
    """A sidecar's path mirrors its photo's: 1,100 folders to make (Path.mkdir recursed once a level)."""
    from photo_dedup.cache.atomic import write_text

    target = tmp_path / "cache" / "/".join(["d"] * DEPTH) / "IMG_1.HEIC.json"
    write_text(target, "{}\n")
    try:
        assert target.read_text() == "{}\n"
    finally:
        remove_deep_tree(tmp_path / "cache")
