"""What the Snakefile does before building its DAG: check the config, scan, write manifests.

Scanning happens here, at parse time, because what changed in the library
decides which chunk jobs exist and which are out of date. The manifests are
rewritten only where their content changed, so Snakemake's own mtime rules
then rerun exactly the chunks whose photos were added, changed or removed.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from photo_dedup.chunks import split_into_chunks, write_if_changed, write_manifests
from photo_dedup.scan import inside, scan_library

CACHE_DIR = "cache"
RESULTS_DIR = "results"
DEMO_LIBRARY = "demo-library"


class ConfigProblem(Exception):
    """A configuration mistake, explained in one line."""


@dataclass
class RunPlan:
    libraries: list[str]
    chunks: list[str]


def library_roots(config: dict[str, Any]) -> list[str]:
    library = config.get("library")
    if library in (None, "", []):
        return []
    roots = [library] if isinstance(library, str) else list(library)
    return [os.path.abspath(os.path.expanduser(str(root))) for root in roots]


def check_roots(roots: list[str], workdir: str, quarantine: str) -> None:
    for root in roots:
        if not os.path.isdir(root):
            raise ConfigProblem(f"library folder does not exist or is not a folder: {root}")
        for name, path in (
            ("the working directory's cache", os.path.join(workdir, CACHE_DIR)),
            ("the results folder", os.path.join(workdir, RESULTS_DIR)),
            ("the quarantine folder", quarantine),
        ):
            if inside(path, root):
                raise ConfigProblem(
                    f"{name} ({path}) would be inside the library {root}: run photo-dedup from a "
                    "folder outside the library (nothing may be written inside it)"
                )


def prepare_run(config: dict[str, Any], workdir: str) -> RunPlan:
    """Resolve the library (building the demo one if none is set), scan it, write manifests."""
    roots = library_roots(config)
    if not roots:
        demo_root = os.path.join(workdir, DEMO_LIBRARY)
        if not os.path.isdir(demo_root):
            from photo_dedup.demo import build_demo_library

            build_demo_library(demo_root)
        roots = [demo_root]
    quarantine = os.path.abspath(os.path.join(workdir, config.get("quarantine", "quarantine")))
    check_roots(roots, workdir, quarantine)
    excludes = list(config.get("exclude", []))
    scan = scan_library(roots, excludes)
    chunks = split_into_chunks(scan.photos, int(config.get("photos_per_job", 200)))
    cache = Path(workdir) / CACHE_DIR
    write_manifests(chunks, cache / "manifests")
    scan_report = {
        "libraries": roots,
        "counts": dict(sorted(scan.counts.items())),
        "problems": [{"path": p.path, "reason": p.reason} for p in scan.problems],
        "companions": dict(sorted(scan.companions.items())),
    }
    write_if_changed(cache / "scan.json", json.dumps(scan_report, sort_keys=True, indent=1) + "\n")
    return RunPlan(libraries=roots, chunks=list(chunks))


def planned_run(workdir: str) -> RunPlan:
    """The plan the main process wrote, for a job that Snakemake runs elsewhere (a cluster node).

    Such a job must not scan the library again: it only needs to know the chunks and roots.
    """
    cache = Path(workdir) / CACHE_DIR
    scan = json.loads((cache / "scan.json").read_text(encoding="utf-8"))
    chunks = sorted(path.stem for path in (cache / "manifests").glob("*.jsonl"))
    return RunPlan(libraries=list(scan["libraries"]), chunks=chunks)
