"""A killed run never blocks the next one, and a second run never touches a run that is going
(real Snakemake runs, killed with SIGKILL as a closed terminal or a power cut leaves them)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.library_factory import build_library
from support.workflow_runner import snakemake

from photo_dedup.workflow.command import snakemake_command
from photo_dedup.workflow.step_log import FAILED

pytestmark = pytest.mark.e2e


def start(workdir: Path, library: Path) -> subprocess.Popen[str]:
    workdir.mkdir(parents=True, exist_ok=True)
    command = snakemake_command(workdir, 1, "--config", f"library={library}")
    return subprocess.Popen(
        command, cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )


def wait_for_lock(workdir: Path, run: subprocess.Popen[str]) -> None:
    locks = workdir / ".snakemake" / "locks"
    deadline = time.monotonic() + 120
    while not (locks.is_dir() and any(locks.iterdir())):
        assert run.poll() is None, run.stdout.read() if run.stdout else ""
        assert time.monotonic() < deadline, "the run never took its lock"
        time.sleep(0.05)


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    return build_library(tmp_path_factory.mktemp("interrupted") / "library").root


def test_a_run_killed_with_sigkill_does_not_block_the_next(library, tmp_path):
    workdir = tmp_path / "work"
    run = start(workdir, library)
    wait_for_lock(workdir, run)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait(timeout=30)
    assert any((workdir / ".snakemake" / "locks").iterdir())  # what kill -9 leaves behind
    again = snakemake(workdir, "--config", f"library={library}")
    assert again.returncode == 0, again.stdout + again.stderr
    notes = [line for line in again.stderr.splitlines() if "lock" in line]
    assert notes == [
        "photo-dedup: an interrupted run had left its lock behind; nothing else runs in this folder, so it was removed"
    ]
    assert (workdir / "results" / "report.html").exists()


def test_a_second_run_while_one_is_going_is_refused_and_touches_nothing(library, tmp_path):
    workdir = tmp_path / "work"
    first = start(workdir, library)
    try:
        wait_for_lock(workdir, first)
        progress = workdir / "cache" / "progress.json"
        stamp = progress.stat().st_mtime_ns if progress.exists() else None
        second = snakemake(workdir, "--config", f"library={library}")
        assert second.returncode == 1
        refusals = [line for line in second.stderr.splitlines() if line.startswith("photo-dedup:")]
        assert len(refusals) == 1 and f"another run is going in this folder (pid {first.pid}, since " in refusals[0]
        assert (progress.stat().st_mtime_ns if progress.exists() else None) == stamp
    finally:
        first.wait(timeout=600)
    assert first.returncode == 0


def test_ctrl_c_ends_with_one_line_saying_how_far_the_run_got(library, tmp_path):
    workdir = tmp_path / "work"
    workdir.mkdir()
    # the default profile's quiet setting (the runner asks for Snakemake's messages), small chunks
    command = snakemake_command(workdir, 2, "--config", f"library={library}", "photos_per_job=4", "--quiet", "all")
    run = subprocess.Popen(
        command, cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    assert run.stdout is not None
    seen = []
    for line in run.stdout:  # a chunk is done, the others are going or waiting
        seen.append(line)
        if "photo-dedup: fingerprints " in line:
            break
    os.killpg(run.pid, signal.SIGINT)  # what Ctrl-C sends: to every process of the terminal's run
    output = "".join(seen) + run.stdout.read()
    assert run.wait(timeout=120) != 0
    after = output.split("photo-dedup: fingerprints ", 1)[1].splitlines()[1:]
    ending = [line for line in after if line.strip() and "photo-dedup: fingerprints " not in line]
    assert len(ending) == 1, output
    found = re.fullmatch(
        r"photo-dedup: interrupted: (\d+) of (\d+) photos fingerprinted; run the same command to continue", ending[0]
    )
    assert found, output
    done, total = int(found[1]), int(found[2])
    planned = sum(len(path.read_text().splitlines()) for path in (workdir / "cache" / "manifests").glob("*.jsonl"))
    assert total == planned and 0 < done < total
    assert not any(FAILED in path.read_text() for path in (workdir / "logs").rglob("*.log"))  # not a failure
    again = snakemake(workdir, "--config", f"library={library}", "photos_per_job=4")
    assert again.returncode == 0, again.stderr
    assert "photo-dedup: done." in again.stdout


def test_ctrl_c_before_any_step_starts_is_the_same_one_line_not_a_traceback():
    """While Snakemake builds its job graph, KeyboardInterrupt leaves Snakemake uncaught: the line
    replaces Python's traceback (a real SIGINT to a real interpreter)."""
    line = "photo-dedup: interrupted: 3 of 7 photos fingerprinted; run the same command to continue"
    script = (
        "import os, signal, time\n"
        "from photo_dedup.outputs.run_summary import CtrlC\n"
        f"ctrl_c = CtrlC(lambda: {line!r})\n"
        "ctrl_c.watch()\n"
        "os.kill(os.getpid(), signal.SIGINT)\n"
        "time.sleep(30)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.stderr == line + "\n"
    assert result.returncode == -signal.SIGINT  # Python ends as killed by SIGINT, as a shell expects
