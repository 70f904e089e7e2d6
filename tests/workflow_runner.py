"""Run the real Snakemake workflow in a separate working directory."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from photo_dedup.workflow_command import REPO, snakemake_command

__all__ = ["REPO", "jobs_run", "snakemake"]


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
