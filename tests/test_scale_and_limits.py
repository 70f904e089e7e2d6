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
