"""The shells the generated scripts are run under: every distinct one found on this machine."""

from __future__ import annotations

import os
import shutil


def distinct_shells(candidates: list[list[str]]) -> list[list[str]]:
    """The candidates found on this machine, each program once (`sh` is often dash by another name)."""
    found: dict[tuple[str, ...], list[str]] = {}
    for shell in candidates:
        program = shutil.which(shell[0])
        if program:
            found.setdefault((os.path.realpath(program), *shell[1:]), shell)
    return list(found.values())


# The README promises the scripts run under these; busybox sh is the shell of small NAS systems.
SHELLS = distinct_shells([["dash"], ["bash"], ["bash", "--posix"], ["busybox", "sh"], ["sh"]])
