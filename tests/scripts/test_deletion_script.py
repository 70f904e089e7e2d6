"""The deletion script, run for real under sh, dash and bash (and bash in POSIX mode)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from support.deletion_helpers import make_groups, snapshot, with_companions
from support.shells import SHELLS

from photo_dedup.outputs.deletion_script import write_deletion_script

HOSTILE = [
    "single ' quote.jpg",
    'double " quote.jpg',
    "$(touch PWNED).jpg",
    "`touch PWNED`.jpg",
    "new\nline.jpg",
    "-leading dash.jpg",
    "spaces  and\ttab.jpg",
    "non-ascii café 東京.jpg",
    "glob * ? [x].jpg",
]


@pytest.fixture
def scene(tmp_path):
    library = tmp_path / "library"
    (library / "dups").mkdir(parents=True)
    keeper = library / "keeper.jpg"
    keeper.write_bytes(b"the kept photo")
    duplicates = []
    for name in HOSTILE:
        path = library / "dups" / name
        path.write_bytes(b"a copy of the kept photo")
        duplicates.append(path)
    other_keeper = library / "other keeper.jpg"
    other_keeper.write_bytes(b"another photo")
    other_dup = library / "other copy.jpg"
    other_dup.write_bytes(b"another photo, copy")
    groups = make_groups({keeper: duplicates, other_keeper: [other_dup]})
    script = tmp_path / "results" / "delete-duplicates.sh"
    script.parent.mkdir()
    quarantine = tmp_path / "quarantine"
    write_deletion_script(groups, script, str(quarantine), [str(library)])
    return {
        "tmp": tmp_path,
        "library": library,
        "script": script,
        "quarantine": quarantine,
        "keeper": keeper,
        "duplicates": duplicates,
        "other_keeper": other_keeper,
        "other_dup": other_dup,
    }


def run(shell: list[str], scene: dict, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*shell, str(scene["script"]), *args],
        cwd=scene["tmp"],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def no_pwned(root: Path) -> bool:
    return not any(p.name == "PWNED" for p in root.rglob("*"))


@pytest.mark.parametrize("shell", SHELLS, ids=" ".join)
def test_dry_run_changes_nothing_and_runs_nothing(scene, shell):
    before = snapshot(scene["library"])
    result = run(shell, scene, "-n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("would move:") == len(HOSTILE) + 1
    # each line names what the file is a copy of, and the run ends with a total
    assert f"would move: {scene['other_dup']} (copy of {scene['other_keeper']})" in result.stdout
    assert result.stdout.count(f"(copy of {scene['keeper']})") == len(HOSTILE)
    assert f"Dry run: {len(HOSTILE) + 1} file(s) would be handled, 0 skipped; nothing was changed." in result.stdout
    assert snapshot(scene["library"]) == before
    assert not scene["quarantine"].exists()
    assert no_pwned(scene["tmp"])


@pytest.mark.parametrize("shell", SHELLS, ids=" ".join)
def test_quarantine_then_restore_puts_every_file_back(scene, shell):
    before = snapshot(scene["library"])
    result = run(shell, scene, "-y")
    assert result.returncode == 0, result.stdout + result.stderr
    assert all(not p.exists() for p in scene["duplicates"])
    assert scene["keeper"].exists() and scene["other_keeper"].exists()
    for path in scene["duplicates"]:
        assert (scene["quarantine"] / str(path).lstrip("/")).read_bytes() == b"a copy of the kept photo"
    assert "MOVED" in (scene["quarantine"] / "delete-duplicates.log").read_text()

    again = run(shell, scene, "-y")
    assert again.returncode == 0, again.stdout
    assert again.stdout.count("already in quarantine") == len(HOSTILE) + 1

    restore = subprocess.run([*shell, str(scene["quarantine"] / "restore.sh")], capture_output=True, text=True)
    assert restore.returncode == 0, restore.stdout + restore.stderr
    assert snapshot(scene["library"]) == before
    assert no_pwned(scene["tmp"])


@pytest.mark.parametrize("shell", SHELLS, ids=" ".join)
def test_a_changed_duplicate_is_skipped_and_reported(scene, shell):
    changed = scene["duplicates"][0]
    changed.write_bytes(b"edited after the analysis")
    result = run(shell, scene, "-y")
    assert result.returncode != 0
    assert "the duplicate changed" in result.stdout
    assert changed.read_bytes() == b"edited after the analysis"
    assert not scene["duplicates"][1].exists()


@pytest.mark.parametrize("shell", SHELLS, ids=" ".join)
def test_a_missing_keeper_leaves_its_group_untouched(scene, shell):
    scene["keeper"].unlink()
    result = run(shell, scene, "-y")
    assert result.returncode != 0
    # the hostile try: the line named the kept photo after "its duplicate stays:"
    assert f"the kept photo ({scene['keeper']}) is missing, changed" in result.stdout
    assert f"its duplicate stays: {scene['duplicates'][0]}" in result.stdout
    assert all(p.exists() for p in scene["duplicates"])
    assert not scene["other_dup"].exists()  # the other group is still handled


@pytest.mark.parametrize("shell", SHELLS, ids=" ".join)
def test_confirmation_is_required_without_yes(scene, shell):
    before = snapshot(scene["library"])
    refused = run(shell, scene, stdin="n\n")
    assert refused.returncode != 0 and "Nothing done" in refused.stdout
    assert snapshot(scene["library"]) == before
    accepted = run(shell, scene, stdin="y\n")
    assert accepted.returncode == 0
    assert not scene["other_dup"].exists()


def test_delete_mode_removes_after_verifying(scene):
    result = run(["sh"], scene, "-y", "--delete")
    assert result.returncode == 0, result.stdout
    assert all(not p.exists() for p in scene["duplicates"])
    assert scene["keeper"].read_bytes() == b"the kept photo"
    assert not (scene["quarantine"] / "restore.sh").exists()


def test_the_keeper_replaced_by_a_link_to_its_duplicate_is_not_trusted(scene):
    scene["other_keeper"].unlink()
    scene["other_keeper"].symlink_to(scene["other_dup"])
    result = run(["sh"], scene, "-y")
    assert result.returncode != 0
    assert scene["other_dup"].exists()


def test_header_records_origin_and_counts(scene):
    text = scene["script"].read_text()
    assert "Made by photo-dedup" in text
    assert f"acts on {len(HOSTILE) + 1} duplicate file(s) in 2 group(s)" in text
    assert str(scene["library"]) in text


def test_a_live_photo_video_moves_with_its_photo_and_comes_back(tmp_path):
    library = tmp_path / "library"
    library.mkdir()
    keeper = library / "IMG_1.HEIC"
    keeper.write_bytes(b"kept live photo")
    duplicate = library / "copy" / "IMG_1.HEIC"
    duplicate.parent.mkdir()
    duplicate.write_bytes(b"copy of the live photo")
    video = library / "copy" / "IMG_1.MOV"
    video.write_bytes(b"the copy's video")
    groups = with_companions(make_groups({keeper: [duplicate]}), {duplicate: [video]})
    script = tmp_path / "delete.sh"
    write_deletion_script(groups, script, str(tmp_path / "q"), [str(library)])
    before = snapshot(library)
    result = subprocess.run(["sh", str(script), "-y"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not duplicate.exists() and not video.exists()
    assert (tmp_path / "q" / str(video).lstrip("/")).read_bytes() == b"the copy's video"
    assert len((tmp_path / "q" / "manifest.txt").read_text().splitlines()) == 2
    subprocess.run(["sh", str(tmp_path / "q" / "restore.sh")], check=True, capture_output=True)
    assert snapshot(library) == before


def test_a_changed_video_companion_keeps_both_in_place(tmp_path):
    library = tmp_path / "library"
    library.mkdir()
    keeper, duplicate, video = library / "a.jpg", library / "b.jpg", library / "b.mov"
    keeper.write_bytes(b"a")
    duplicate.write_bytes(b"b")
    video.write_bytes(b"video")
    groups = with_companions(make_groups({keeper: [duplicate]}), {duplicate: [video]})
    script = tmp_path / "delete.sh"
    write_deletion_script(groups, script, str(tmp_path / "q"), [str(library)])
    video.write_bytes(b"edited")
    result = subprocess.run(["sh", str(script), "-y"], capture_output=True, text=True)
    assert result.returncode != 0 and "a file that goes with it (video or sidecar) changed" in result.stdout
    assert duplicate.exists() and video.exists()
