"""One folder reached through two mounts is one set of files, never duplicates of themselves.

Real mounts: a bind mount (same device number, so the inode tells), a bindfs FUSE view (another
device number: only size, mtime and ctime tell) and a tmpfs holding a real copy (another device, a
kept mtime, but its own ctime: a true duplicate). Each test is skipped, with the reason, where
mounting is refused (not root, no FUSE, no bindfs).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from photo_dedup.scan.walk import scan_library

TWO_MOUNTS = "same file seen through two mounts (listed once)"
Mount = Callable[[list[str], Path], Path]


@pytest.fixture
def mount() -> Iterator[Mount]:
    """mount(command, target): run a mount command onto `target`; unmounted again at the end."""
    mounted: list[Path] = []

    def run(command: list[str], target: Path) -> Path:
        target.mkdir(parents=True, exist_ok=True)
        if shutil.which(command[0]) is None:
            pytest.skip(f"{command[0]} is not installed (Debian: apt-get install {command[0]})")
        done = subprocess.run([*command, str(target)], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            pytest.skip(f"mounting refused here: {' '.join(command)}: {done.stderr.strip()}")
        mounted.append(target)
        return target

    yield run
    for target in reversed(mounted):
        if subprocess.run(["umount", str(target)], check=False).returncode != 0:
            subprocess.run(["umount", "-l", str(target)], check=False)


def library(root: Path) -> list[Path]:
    photos = [root / "2024" / "IMG_1.jpg", root / "2024" / "IMG_2.jpg", root / "IMG_3.png"]
    for number, photo in enumerate(photos):
        photo.parent.mkdir(parents=True, exist_ok=True)
        photo.write_bytes(bytes([number]) * (100 + number))
    return photos


def test_a_root_bind_mounted_elsewhere_is_scanned_once(tmp_path: Path, mount: Mount) -> None:
    """Both roots are one folder (same device and inode): the second is left out, with a note."""
    photos = library(tmp_path / "disk1")
    view = mount(["mount", "--bind", str(tmp_path / "disk1")], tmp_path / "user")

    result = scan_library([str(tmp_path / "disk1"), str(view)], [])

    assert [entry.path for entry in result.photos] == sorted(str(photo) for photo in photos)
    assert result.notes == [f"library root {view} is the same folder as {tmp_path / 'disk1'}: scanned once"]


def test_a_folder_bind_mounted_into_another_root_lists_each_photo_once(tmp_path: Path, mount: Mount) -> None:
    """disk1/2024 shown again as share/2024 under a second root: its files are listed once, as they
    are the same (device, inode) with a single name each (not hard links)."""
    photos = library(tmp_path / "disk1")
    (tmp_path / "share" / "own.jpg").parent.mkdir(parents=True)
    (tmp_path / "share" / "own.jpg").write_bytes(b"own")
    view = mount(["mount", "--bind", str(tmp_path / "disk1" / "2024")], tmp_path / "share" / "2024")
    assert (view / "IMG_1.jpg").read_bytes() == photos[0].read_bytes()

    result = scan_library([str(tmp_path / "disk1"), str(tmp_path / "share")], [])

    listed = sorted([*(str(photo) for photo in photos), str(tmp_path / "share" / "own.jpg")])
    assert [entry.path for entry in result.photos] == listed
    assert result.counts[TWO_MOUNTS] == 2
    assert result.counts["hard links (same file listed once)"] == 0
    first = tmp_path / "disk1"
    assert any(f"2 photos under {tmp_path / 'share'} are the same files as under {first}" in n for n in result.notes)


def test_a_fuse_view_on_another_device_lists_each_photo_once(tmp_path: Path, mount: Mount) -> None:
    photos = library(tmp_path / "disk1")
    view = mount(["bindfs", "--no-allow-other", str(tmp_path / "disk1")], tmp_path / "share")
    assert os.stat(view).st_dev != os.stat(tmp_path / "disk1").st_dev  # what defeats the inode check

    result = scan_library([str(view), str(tmp_path / "disk1")], [])

    seen_through_view = sorted(str(view / photo.relative_to(tmp_path / "disk1")) for photo in photos)
    assert [entry.path for entry in result.photos] == seen_through_view
    assert result.counts[TWO_MOUNTS] == 3
    assert any("one folder reached through two mounts" in note for note in result.notes)


def test_a_real_copy_on_another_device_is_still_a_duplicate(tmp_path: Path, mount: Mount) -> None:
    """A copy keeping size and mtime (cp -p) has its own ctime: it is listed, to be found as a copy."""
    photos = library(tmp_path / "disk1")
    other = mount(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs"], tmp_path / "usb")
    copy = other / "IMG_1.jpg"
    shutil.copy2(photos[0], copy)
    assert os.stat(copy).st_mtime_ns == os.stat(photos[0]).st_mtime_ns

    result = scan_library([str(tmp_path / "disk1"), str(other)], [])

    assert str(copy) in [entry.path for entry in result.photos]
    assert len(result.photos) == 4
    assert result.counts[TWO_MOUNTS] == 0


def test_copies_made_in_one_clock_tick_on_one_device_are_all_listed(tmp_path: Path) -> None:
    """On one device the inode decides: copies sharing size, mtime and (coarse) ctime stay apart."""
    original = library(tmp_path)[0]
    copies = [tmp_path / f"copy{number}.jpg" for number in range(20)]
    for copy in copies:
        shutil.copy2(original, copy)
    result = scan_library([str(tmp_path)], [])
    assert len(result.photos) == 3 + len(copies)
    assert result.counts[TWO_MOUNTS] == 0


@pytest.mark.e2e
def test_a_run_over_both_mounts_finds_no_photo_a_copy_of_itself(tmp_path: Path, mount: Mount, photos) -> None:
    """The real workflow, roots /disk1 and a FUSE view of it: nothing to remove, and a note says why."""
    import json

    from support.workflow_runner import snakemake

    from photo_dedup.demo import variants

    disk = tmp_path / "disk1"
    for name in ("chelsea", "coffee", "astronaut"):
        variants.save_original(photos[name], disk / "2024" / f"{name}.jpg")
    view = mount(["bindfs", "--no-allow-other", str(disk)], tmp_path / "user")

    result = snakemake(tmp_path / "work", "--config", f"library=[{disk}, {view}]")

    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads((tmp_path / "work" / "results" / "groups.json").read_text())["summary"]
    assert (summary["photos_scanned"], summary["groups"], summary["files_to_remove"]) == (3, 0, 0)
    note = f"photo-dedup: 3 photos under {view} are the same files as under {disk}"
    assert note in result.stdout + result.stderr
