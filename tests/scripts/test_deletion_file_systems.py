"""The deletion script on real setups that fool file identity: one folder through two mounts, two
scripts at once, a case-insensitive quarantine (exFAT), a library typed in another case; under dash
and bash. Real file systems: a bind mount, a FUSE exFAT image on a loop device."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from support.deletion_helpers import make_groups, snapshot
from support.shells import SHELLS

from photo_dedup.outputs.deletion_script import write_deletion_script
from photo_dedup.scan.run_setup import ConfigProblem, check_roots

MODES = {"delete": ["--delete", "-y"], "quarantine": ["-y"]}


def run(shell: list[str], script: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*shell, str(script), *args], capture_output=True, text=True, timeout=180, cwd=cwd)


def write_script(path: Path, groups: dict[Path, list[Path]], quarantine: Path, library: Path) -> Path:
    write_deletion_script(make_groups(groups), path, str(quarantine), [str(library)])
    return path


def mounted(command: list[str], target: Path) -> bool:
    """Mount, and check it took (a bind mount keeps the device, so os.path.ismount cannot tell)."""
    result = subprocess.run(command, capture_output=True, text=True)
    return result.returncode == 0 and subprocess.run(["mountpoint", "-q", str(target)]).returncode == 0


MOUNTS = {
    # a FUSE passthrough (as mergerfs, sshfs, a NAS share mounted twice): another device number,
    # so no file identity check (-ef, device and inode) sees one file
    "bindfs": lambda library, view: ["bindfs", "--no-allow-other", str(library), str(view)],
    # a bind mount: the same device, which -ef does see
    "bind": lambda library, view: ["mount", "--bind", str(library), str(view)],
}


@pytest.fixture(params=list(MOUNTS))
def two_mounts(tmp_path, request):
    """library/ and view/: one folder, reached through a second mount (the same files)."""
    library, view = tmp_path / "library", tmp_path / "view"
    (library / "trip").mkdir(parents=True)
    view.mkdir()
    for number in range(3):
        (library / "trip" / f"IMG_{number}.jpg").write_bytes(f"photo {number}".encode() * 100)
    command = MOUNTS[request.param](library, view)
    if os.geteuid() != 0 or not shutil.which(command[0]) or not mounted(command, view):
        pytest.skip(f"{request.param} needs root and {command[0]} (bindfs: apt-get install bindfs)")
    yield library, view, request.param
    subprocess.run(["umount", "-l", str(view)], check=False)


@pytest.mark.parametrize("shell", SHELLS, ids=" ".join)
@pytest.mark.parametrize("mode", MODES, ids=list(MODES))
def test_one_folder_through_two_mounts_loses_nothing(two_mounts, tmp_path, shell, mode):
    """Each photo seen as library/X and view/X looks like its own duplicate; removing either path
    removes the photo. The script must notice after the move and put it back."""
    library, view, kind = two_mounts
    before = snapshot(library)
    photos = sorted((library / "trip").iterdir())
    assert os.stat(photos[0]).st_dev != os.stat(view / "trip" / photos[0].name).st_dev or kind == "bind"
    groups = {photo: [view / "trip" / photo.name] for photo in photos}
    script = write_script(tmp_path / "delete.sh", groups, tmp_path / "quarantine", library)
    result = run(shell, script, *MODES[mode], cwd=tmp_path)
    assert snapshot(library) == before, result.stdout
    assert result.returncode != 0
    noticed = "went away" if kind == "bindfs" else "one and the same file"
    assert result.stdout.count(noticed) == len(photos), result.stdout
    assert not [p for p in library.rglob(".photo-dedup-*")]


@pytest.mark.parametrize("shell", SHELLS, ids=" ".join)
@pytest.mark.parametrize("mode", MODES, ids=list(MODES))
def test_two_scripts_with_opposite_keepers_run_together_leave_one_copy(tmp_path, shell, mode):
    """Two working folders over one library chose opposite keepers; run at the same moment."""
    library = tmp_path / "library"
    (library / "a").mkdir(parents=True)
    (library / "b").mkdir()
    pairs = []
    for number in range(6):
        first, second = library / "a" / f"{number}.jpg", library / "b" / f"{number}.jpg"
        for path in (first, second):
            path.write_bytes(f"photo {number}".encode() * 5000)
        pairs.append((first, second))
    one = write_script(tmp_path / "one.sh", {a: [b] for a, b in pairs}, tmp_path / "q1", library)
    other = write_script(tmp_path / "other.sh", {b: [a] for a, b in pairs}, tmp_path / "q2", library)
    results: dict[str, subprocess.CompletedProcess[str]] = {}
    args = MODES[mode]
    threads = [
        threading.Thread(target=lambda n=name, s=script: results.__setitem__(n, run(shell, s, *args, cwd=tmp_path)))
        for name, script in (("one", one), ("other", other))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for first, second in pairs:
        assert first.exists() or second.exists(), (results["one"].stdout, results["other"].stdout)
    if mode == "quarantine":
        for name, quarantine in (("one", "q1"), ("other", "q2")):
            if (tmp_path / quarantine / "restore.sh").exists():
                assert run(shell, tmp_path / quarantine / "restore.sh", cwd=tmp_path).returncode == 0, name
        assert all(first.exists() and second.exists() for first, second in pairs)


@pytest.fixture
def exfat_quarantine(tmp_path):
    """A real exFAT file system (FUSE, on a loop device): it folds case and has no hard links."""
    if os.geteuid() != 0 or not shutil.which("mount.exfat-fuse") or not shutil.which("mkfs.exfat"):
        pytest.skip("needs root, exfat-fuse and exfatprogs (apt-get install exfat-fuse exfatprogs)")
    image, mountpoint = tmp_path / "usb.img", tmp_path / "usb"
    mountpoint.mkdir()
    with image.open("wb") as handle:
        handle.truncate(64 * 2**20)
    subprocess.run(["mkfs.exfat", str(image)], check=True, capture_output=True)
    loop = subprocess.run(["losetup", "-f", "--show", str(image)], capture_output=True, text=True)
    if loop.returncode != 0:
        pytest.skip(f"no loop device: {loop.stderr.strip()}")
    device = loop.stdout.strip()
    if not mounted(["mount.exfat-fuse", device, str(mountpoint)], mountpoint):
        subprocess.run(["losetup", "-d", device], check=False)
        pytest.skip("FUSE mount refused here")
    yield mountpoint
    subprocess.run(["umount", str(mountpoint)], check=False)
    subprocess.run(["losetup", "-d", device], check=False)


@pytest.mark.parametrize("shell", SHELLS, ids=" ".join)
def test_a_case_insensitive_quarantine_keeps_both_names_and_restores_both(exfat_quarantine, tmp_path, shell):
    """Trip/IMG_1.JPG and trip/IMG_1.JPG are two duplicates; on exFAT their mirrored places are one."""
    library = tmp_path / "library"
    for folder in ("Masters", "Trip", "trip"):
        (library / folder).mkdir(parents=True)
    keeper = library / "Masters" / "IMG_1.JPG"
    keeper.write_bytes(b"the photo" * 1000)
    for folder, mode in (("Trip", 0o644), ("trip", 0o400)):
        shutil.copyfile(keeper, library / folder / "IMG_1.JPG")
        (library / folder / "IMG_1.JPG").chmod(mode)
    before = snapshot(library)
    quarantine = exfat_quarantine / "quarantine"
    groups = {keeper: [library / "Trip" / "IMG_1.JPG", library / "trip" / "IMG_1.JPG"]}
    script = write_script(tmp_path / "delete.sh", groups, quarantine, library)
    moved = run(shell, script, "-y", cwd=tmp_path)
    assert moved.returncode == 0, moved.stdout
    assert moved.stdout.count("moved: ") == 2
    assert not (library / "Trip" / "IMG_1.JPG").exists() and not (library / "trip" / "IMG_1.JPG").exists()
    assert len([p for p in quarantine.rglob("*.JPG") if p.is_file()]) == 2
    restored = run(shell, quarantine / "restore.sh", cwd=tmp_path)
    assert restored.returncode == 0, restored.stdout
    assert "restored 2 file(s); nothing is left in the quarantine" in restored.stdout
    assert snapshot(library) == before
    # exFAT keeps no permissions (its files read 0777): restore.sh gives them back their own
    assert (library / "Trip" / "IMG_1.JPG").stat().st_mode & 0o777 == 0o644
    assert (library / "trip" / "IMG_1.JPG").stat().st_mode & 0o777 == 0o400


@pytest.mark.parametrize("shell", SHELLS, ids=" ".join)
def test_a_target_another_file_put_there_is_never_taken_for_this_move(tmp_path, shell):
    """Even where the places collide (a quarantine written by another script): the found file has
    the same bytes, but it is not this move's own, so the duplicate stays."""
    library = tmp_path / "library"
    (library / "a").mkdir(parents=True)
    keeper, duplicate = library / "keep.jpg", library / "a" / "copy.jpg"
    keeper.write_bytes(b"photo" * 100)
    shutil.copyfile(keeper, duplicate)
    quarantine = tmp_path / "quarantine"
    target = quarantine / str(duplicate).lstrip("/")
    target.parent.mkdir(parents=True)
    shutil.copyfile(keeper, target)
    script = write_script(tmp_path / "delete.sh", {keeper: [duplicate]}, quarantine, library)
    result = run(shell, script, "-y", cwd=tmp_path)
    assert duplicate.exists(), result.stdout
    assert "already holds a file" in result.stdout and result.returncode != 0


@pytest.mark.parametrize("shell", SHELLS, ids=" ".join)
def test_a_photo_moved_again_after_a_restore_is_restored_with_its_new_content(tmp_path, shell):
    library = tmp_path / "library"
    library.mkdir()
    keeper, duplicate = library / "keep.jpg", library / "copy.jpg"
    keeper.write_bytes(b"first" * 100)
    shutil.copyfile(keeper, duplicate)
    quarantine = tmp_path / "quarantine"
    script = write_script(tmp_path / "delete.sh", {keeper: [duplicate]}, quarantine, library)
    assert run(shell, script, "-y", cwd=tmp_path).returncode == 0
    assert run(shell, quarantine / "restore.sh", cwd=tmp_path).returncode == 0
    for path in (keeper, duplicate):  # both edited in place, analysed again, moved again
        path.write_bytes(b"second" * 100)
    script = write_script(tmp_path / "delete.sh", {keeper: [duplicate]}, quarantine, library)
    assert run(shell, script, "-y", cwd=tmp_path).returncode == 0
    assert not duplicate.exists()
    restored = run(shell, quarantine / "restore.sh", cwd=tmp_path)
    assert restored.returncode == 0, restored.stdout
    assert duplicate.read_bytes() == b"second" * 100


@pytest.mark.parametrize("shell", SHELLS, ids=" ".join)
def test_a_quarantine_typed_in_another_case_of_the_library_is_refused(exfat_quarantine, tmp_path, shell):
    """On a disk that folds case, "photos/q" is inside "Photos": the string checks alone miss it."""
    library = exfat_quarantine / "Photos"
    library.mkdir()
    keeper, duplicate = library / "keep.jpg", library / "copy.jpg"
    keeper.write_bytes(b"photo" * 100)
    shutil.copyfile(keeper, duplicate)
    script = write_script(tmp_path / "delete.sh", {keeper: [duplicate]}, tmp_path / "q", library)
    result = run(shell, script, "-y", "--quarantine", str(exfat_quarantine / "photos" / "q"), cwd=tmp_path)
    assert result.returncode == 2 and "overlaps the library" in result.stderr
    assert duplicate.exists() and not (exfat_quarantine / "Photos" / "q").exists()


def test_a_working_folder_typed_in_another_case_of_the_library_is_refused(exfat_quarantine, tmp_path):
    """The run's own check (cache/ and results/ must stay outside the library), on a real exFAT disk."""
    library = exfat_quarantine / "Lib"
    library.mkdir()
    workdir = exfat_quarantine / "lib" / "work"
    with pytest.raises(ConfigProblem, match="would be inside the library") as refused:
        check_roots([str(library)], str(workdir), str(tmp_path / "quarantine"))
    assert refused.value.workdir_inside_library
    with pytest.raises(ConfigProblem, match="quarantine folder"):
        check_roots([str(library)], str(tmp_path / "work"), str(exfat_quarantine / "LIB" / "q"))
    check_roots([str(library)], str(tmp_path / "work"), str(tmp_path / "quarantine"))  # outside: fine
