"""Snakemake's lock on the working folder, freed when the run that held it is gone.

Snakemake locks a working folder for the length of a run and leaves the lock behind when the run
is killed (kill -9, a closed terminal, a power cut); every later run then stops. Snakemake does not
record who holds the lock, so the processes are asked instead: a lock that no live Snakemake
process in this folder holds is stale and is removed, with one line saying so; a live one is named.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import psutil

LOCKS = Path(".snakemake") / "locks"


class AnotherRun(Exception):
    """Another run is going in this working folder; the message names it."""


def other_runs(workdir: str | Path) -> list[psutil.Process]:
    """Live Snakemake processes working in `workdir`, other than this one and its parents."""
    folder = os.path.realpath(workdir)
    mine = {os.getpid(), *(parent.pid for parent in psutil.Process().parents())}
    found = []
    for process in psutil.process_iter(["pid", "cmdline"]):
        if process.pid in mine or not any("snakemake" in part for part in process.info["cmdline"] or []):
            continue
        try:
            if os.path.realpath(process.cwd()) == folder and process.status() != psutil.STATUS_ZOMBIE:
                found.append(process)
        except (psutil.Error, OSError):
            continue  # gone meanwhile, or another user's: not a run of this folder we can see
    return found


def claim_folder(workdir: str | Path) -> str | None:
    """Make sure no other run works in this folder, and free a lock that no run holds.

    Checked before the scan writes anything, so a second run never touches the first one's files.
    Returns a note for the user where a stale lock was removed, else None.

    Raises:
        AnotherRun: a run is going in this folder now.
    """
    me = psutil.Process()
    # of two runs started at once, the first to start goes on (each sees the other)
    runs = [run for run in other_runs(workdir) if (run.create_time(), run.pid) < (me.create_time(), me.pid)]
    if runs:
        oldest = min(runs, key=lambda process: process.create_time())
        since = time.strftime("%H:%M", time.localtime(oldest.create_time()))
        raise AnotherRun(
            f"another run is going in this folder (pid {oldest.pid}, since {since}): wait for it to end, "
            "or stop it, then run again"
        )
    locks = Path(workdir) / LOCKS
    held = sorted(locks.glob("*.lock")) if locks.is_dir() else []
    for lock in held:
        lock.unlink(missing_ok=True)
    if held:
        return "an interrupted run had left its lock behind; nothing else runs in this folder, so it was removed"
    return None
