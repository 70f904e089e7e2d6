"""The deletion script never loses a photo, whatever happens after the analysis or during the run.

Each test here is an attack a hostile (or unlucky) user can make: folders swapped for links,
one file reached twice, a quarantine inside the library, a kill in the middle of a move, a
full or read-only quarantine, a deleted restore script.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from support.deletion_helpers import make_groups, snapshot, with_companions
from support.shells import SHELLS

from photo_dedup.outputs.deletion_script import write_deletion_script

SHELL = ["sh"]


@pytest.fixture(autouse=True, params=SHELLS, ids=" ".join)
def shell(request):
    """Every test here runs the scripts under each shell in turn.

    Mutant: `sh()` running plain `sh` whatever the shell (as this file once did: the list was defined
    and never used) -> test_the_scripts_run_under_the_shell_named fails for every shell but sh's own.
    """
    global SHELL
    SHELL = request.param
    yield request.param
    SHELL = ["sh"]


def sh(
    *args: str | Path, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*SHELL, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        cwd=cwd,
    )


def write_script(tmp: Path, library: Path, groups: dict[Path, list[Path]], quarantine: Path) -> Path:
    script = tmp / "results" / "delete-duplicates.sh"
    write_deletion_script(make_groups(groups), script, str(quarantine), [str(library)])
    return script


def leftovers(root: Path) -> list[Path]:
    """Temporary files of an interrupted move (they must never stay behind where photos live)."""
    return [p for p in root.rglob("*") if p.name.startswith(".photo-dedup-")]


@pytest.fixture
def twins(tmp_path):
    """keep/X.jpg is kept, other/X.jpg is its byte copy."""
    library = tmp_path / "library"
    for folder in ("keep", "other"):
        (library / folder).mkdir(parents=True)
        (library / folder / "X.jpg").write_bytes(b"the only photo")
    script = write_script(
        tmp_path, library, {library / "keep" / "X.jpg": [library / "other" / "X.jpg"]}, tmp_path / "q"
    )
    return tmp_path, library, script


@pytest.mark.skipif(not Path("/proc/self/exe").exists(), reason="reads the calling shell from /proc (Linux)")
def test_the_scripts_run_under_the_shell_named(twins, shell):
    """The shell that runs the script is the one this case names: a stand-in for sha256sum, first on
    the PATH, writes down the program and arguments of the shell that called it (its parent)."""
    tmp, library, script = twins
    shims = tmp / "shims"
    shims.mkdir()
    record = tmp / "called-by.txt"
    (shims / "sha256sum").write_text(
        "#!/bin/sh\n"
        f"readlink /proc/$PPID/exe >> '{record}'\n"
        f"tr '\\000' '\\n' < /proc/$PPID/cmdline >> '{record}'\n"
        f"exec '{shutil.which('sha256sum')}' \"$@\"\n"
    )
    (shims / "sha256sum").chmod(0o755)
    result = sh(script, "-y", env={"PATH": f"{shims}:{os.environ['PATH']}"}, cwd=tmp)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (library / "other" / "X.jpg").exists()
    program, *arguments = record.read_text().splitlines()
    assert program == os.path.realpath(shutil.which(shell[0]))
    assert arguments[1 : len(shell)] == shell[1:]
    assert arguments[len(shell)] == str(script)


@pytest.mark.parametrize("mode", [["--delete", "-y"], ["-y"]], ids=["delete", "quarantine"])
def test_a_keeper_folder_replaced_by_a_link_to_the_duplicate_folder_loses_nothing(twins, mode):
    tmp, library, script = twins
    shutil.rmtree(library / "keep")
    (library / "keep").symlink_to(library / "other")
    result = sh(script, *mode, cwd=tmp)
    assert result.returncode != 0
    assert "reached through a link" in result.stdout
    assert (library / "other" / "X.jpg").read_bytes() == b"the only photo"


def test_a_duplicate_folder_replaced_by_a_link_to_the_keeper_folder_loses_nothing(twins):
    tmp, library, script = twins
    shutil.rmtree(library / "other")
    (library / "other").symlink_to(library / "keep")
    result = sh(script, "--delete", "-y", cwd=tmp)
    assert result.returncode != 0
    assert (library / "keep" / "X.jpg").read_bytes() == b"the only photo"


def test_one_file_reached_by_two_names_is_never_removed(tmp_path):
    library = tmp_path / "library"
    library.mkdir()
    keeper = library / "a.jpg"
    keeper.write_bytes(b"one photo")
    os.link(keeper, library / "b.jpg")  # a hard link: the same file under a second name
    script = write_script(tmp_path, library, {keeper: [library / "b.jpg"]}, tmp_path / "q")
    result = sh(script, "--delete", "-y", cwd=tmp_path)
    assert result.returncode != 0
    assert "one and the same file" in result.stdout
    assert (library / "b.jpg").exists() and keeper.read_bytes() == b"one photo"


def test_a_group_listing_its_keeper_as_its_own_duplicate_gives_no_action(tmp_path):
    library = tmp_path / "library"
    library.mkdir()
    photo = library / "a.jpg"
    photo.write_bytes(b"one photo")
    groups = make_groups({photo: [photo]})
    script = tmp_path / "delete.sh"
    write_deletion_script(groups, script, str(tmp_path / "q"), [str(library)])
    assert "\nact " not in script.read_text()
    result = sh(script, "--delete", "-y")
    assert result.returncode == 0 and "Nothing to do" in result.stdout
    assert photo.read_bytes() == b"one photo"


@pytest.mark.parametrize(
    "quarantine",
    ["library/q", "library/other/../q", "link-to-library/q", "outside/not-yet/../../library/q"],
    ids=["inside", "inside-with-dots", "through-a-link", "climbing-out-of-a-new-folder"],
)
def test_a_quarantine_inside_the_library_is_refused_from_the_command_line(twins, quarantine):
    tmp, library, script = twins
    (tmp / "link-to-library").symlink_to(library)
    (tmp / "outside").mkdir()
    before = snapshot(library)
    result = sh(script, "-y", "--quarantine", quarantine, cwd=tmp)
    assert result.returncode == 2
    assert "quarantine" in result.stderr
    assert snapshot(library) == before
    assert not (library / "q").exists()


def test_a_quarantine_that_holds_the_library_is_refused(twins):
    tmp, library, script = twins
    result = sh(script, "-y", "--quarantine", "/", cwd=tmp)
    assert result.returncode == 2
    assert (library / "other" / "X.jpg").exists()


def kill_scene(tmp: Path, quarantine: Path) -> tuple[Path, Path, dict[str, str]]:
    """Four duplicates (one with a Live Photo video) in a library, and their script."""
    library = tmp / "library"
    keeper = library / "keep" / "IMG_1.HEIC"
    keeper.parent.mkdir(parents=True)
    keeper.write_bytes(b"kept" * 1000)
    duplicates = []
    for number in range(4):
        path = library / f"copies {number}" / "IMG_1.HEIC"
        path.parent.mkdir()
        path.write_bytes(b"copy %d " % number * 1000)
        duplicates.append(path)
    video = duplicates[0].with_suffix(".MOV")
    video.write_bytes(b"video" * 1000)
    groups = with_companions(make_groups({keeper: duplicates}), {duplicates[0]: [video]})
    script = tmp / "delete.sh"
    write_deletion_script(groups, script, str(quarantine), [str(library)])
    return library, script, snapshot(library)


def quarantines(tmp_path: Path) -> list[Path]:
    places = [tmp_path / "q"]
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK) and shm.stat().st_dev != tmp_path.stat().st_dev:
        places.append(shm / f"photo-dedup-test-{os.getpid()}-{tmp_path.name}")
    return places


# 5 files (4 duplicates and a video), 3 checkpoints each (journal entry, linked or copied, renamed)
CHECKPOINTS = 15


@pytest.mark.parametrize("finish", ["rerun, then restore", "restore at once"])
def test_a_kill_at_any_point_of_the_moves_loses_nothing(tmp_path, finish):
    for quarantine in quarantines(tmp_path):
        for kill_at in range(1, CHECKPOINTS + 2):
            tmp = tmp_path / f"{quarantine.parent.name}-{kill_at}"
            tmp.mkdir()
            target = quarantine.with_name(f"{quarantine.name}-{kill_at}")
            library, script, before = kill_scene(tmp, target)
            try:
                killed = sh(script, "-y", env={"PHOTO_DEDUP_TEST_KILL_AT": str(kill_at)})
                if kill_at <= CHECKPOINTS:
                    assert killed.returncode == -9, (kill_at, killed.stdout)
                if finish == "rerun, then restore":
                    again = sh(script, "-y")
                    assert again.returncode == 0, again.stdout
                    assert not any((library / f"copies {n}" / "IMG_1.HEIC").exists() for n in range(4))
                restore = sh(target / "restore.sh")
                assert restore.returncode == 0, (kill_at, restore.stdout)
                assert snapshot(library) == before, (target, kill_at)
                assert not leftovers(library) and not leftovers(target)
            finally:
                shutil.rmtree(target, ignore_errors=True)


def test_a_kill_during_the_restore_loses_nothing(tmp_path):
    for kill_at in range(1, 11):
        tmp = tmp_path / str(kill_at)
        tmp.mkdir()
        library, script, before = kill_scene(tmp, tmp / "q")
        assert sh(script, "-y").returncode == 0
        killed = sh(tmp / "q" / "restore.sh", env={"PHOTO_DEDUP_TEST_KILL_AT": str(kill_at)})
        assert killed.returncode == -9
        assert sh(tmp / "q" / "restore.sh").returncode == 0
        assert snapshot(library) == before
        assert not leftovers(library)


def test_a_deleted_restore_script_is_written_again_and_still_restores_everything(tmp_path):
    library, script, before = kill_scene(tmp_path, tmp_path / "q")
    assert sh(script, "-y").returncode == 0
    (tmp_path / "q" / "restore.sh").unlink()
    again = sh(script, "-y")
    assert again.returncode == 0 and again.stdout.count("already in quarantine") == 4
    assert sh(tmp_path / "q" / "restore.sh").returncode == 0
    assert snapshot(library) == before


def can_mount() -> bool:
    return os.geteuid() == 0 and shutil.which("mount") is not None


@pytest.fixture
def small_filesystem(tmp_path):
    """A 64 KiB tmpfs (or a read-only one) to quarantine into; skipped where mounting is not allowed."""
    mounted: list[Path] = []

    def mount(options: str) -> Path:
        point = tmp_path / f"fs-{len(mounted)}"
        point.mkdir()
        result = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)], capture_output=True)
        if result.returncode != 0:
            pytest.skip("cannot mount a tmpfs here")
        mounted.append(point)
        return point

    if not can_mount():
        pytest.skip("mounting a tmpfs needs root")
    yield mount
    for point in mounted:
        subprocess.run(["umount", str(point)], capture_output=True)


def test_a_full_quarantine_leaves_no_partial_file_and_moves_nothing_it_cannot_copy(tmp_path, small_filesystem):
    full = small_filesystem("size=64k")
    library = tmp_path / "library"
    library.mkdir()
    keeper = library / "keep.jpg"
    keeper.write_bytes(os.urandom(200_000))
    big = library / "big copy.jpg"
    big.write_bytes(keeper.read_bytes())
    script = tmp_path / "delete.sh"
    write_deletion_script(make_groups({keeper: [big]}), script, str(full / "q"), [str(library)])
    before = snapshot(library)
    result = sh(script, "-y")
    assert result.returncode != 0
    assert "could not move" in result.stdout or "could not write" in result.stdout
    assert snapshot(library) == before
    stored = [p for p in (full / "q").rglob("*") if p.is_file() and p.parent.name != "journal"]
    assert {p.name for p in stored} <= {"restore.sh", "delete-duplicates.log", "manifest.txt"}
    assert sh(full / "q" / "restore.sh").returncode == 0
    assert snapshot(library) == before


def test_a_read_only_quarantine_stops_before_anything_moves(tmp_path, small_filesystem):
    read_only = small_filesystem("size=1m,ro")
    library, script, before = kill_scene(tmp_path, read_only / "q")
    result = sh(script, "-y")
    assert result.returncode == 2
    assert snapshot(library) == before
