"""The command line that runs this repository's workflow in another working directory.

Used by the tests and the benchmarks, which run the real workflow on generated libraries.
"""

from __future__ import annotations

import sys
from pathlib import Path

# The package is installed from the repository (pip install -e .), whose root holds the Snakefile.
REPO = Path(__file__).resolve().parents[3]


def snakemake_command(workdir: Path, cores: int, *extra: str) -> list[str]:
    """`snakemake` with this repository's Snakefile and config, run in `workdir`."""
    return [
        sys.executable,
        "-m",
        "snakemake",
        "--snakefile",
        str(REPO / "Snakefile"),
        "--configfile",
        str(REPO / "config.yaml"),
        "--directory",
        str(workdir),
        "--cores",
        str(cores),
        "--quiet",  # Snakemake's job messages, which the default profile hides (the tests read them)
        "host",
        *extra,
    ]
