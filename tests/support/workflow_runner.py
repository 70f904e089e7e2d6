"""Run the real Snakemake workflow in a separate working directory."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from photo_dedup.workflow.command import REPO, snakemake_command

__all__ = ["REPO", "SharedRun", "jobs_run", "snakemake"]


def snakemake(workdir: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    """`snakemake` from this repository, run in `workdir` with 2 cores."""
    workdir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    command = snakemake_command(workdir, 2, *args)
    return subprocess.run(command, cwd=workdir, capture_output=True, text=True, timeout=timeout, env=env)


def jobs_run(result: subprocess.CompletedProcess[str], rule: str) -> int:
    """How many jobs of `rule` a run executed, from Snakemake's own job table."""
    for line in result.stdout.splitlines() + result.stderr.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == rule and parts[1].isdigit():
            return int(parts[1])
    return 0


class SharedRun:
    """The folders a workflow run made once (its library, its working folder), for many tests.

    A copy of them is kept as the run left them; `as_made()` puts them back so, at the same paths,
    before each test that changes them. The same paths matter: the cache and the results name every
    photo by its path, so a copy elsewhere would be fingerprinted again from nothing. Files come
    back with their bytes and modification times (Snakemake and the cache look at those).
    """

    def __init__(self, *folders: Path) -> None:
        self.folders = folders
        self._kept = Path(tempfile.mkdtemp(prefix="photo-dedup-run-"))
        for number, folder in enumerate(folders):
            shutil.copytree(folder, self._kept / str(number), symlinks=True)

    def as_made(self) -> None:
        for number, folder in enumerate(self.folders):
            if folder.exists():
                _make_removable(folder)
                shutil.rmtree(folder)
            shutil.copytree(self._kept / str(number), folder, symlinks=True)

    def close(self) -> None:
        shutil.rmtree(self._kept, ignore_errors=True)


def _make_removable(folder: Path) -> None:
    """A test may have taken the write bit from a folder (a read-only quarantine, say)."""
    for inside, _, _ in os.walk(folder):
        if not os.access(inside, os.W_OK | os.X_OK):
            os.chmod(inside, 0o755)
