"""What the Snakefile does before building its DAG: check the config, scan, write manifests.

Scanning happens here, at parse time, because what changed in the library
decides which chunk jobs exist and which are out of date. The manifests are
rewritten only where their content changed, so Snakemake's own mtime rules
then rerun exactly the chunks whose photos were added, changed or removed.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from photo_dedup.apple_photos.catalog import catalog_libraries
from photo_dedup.cache.atomic import DiskFull, disk_full_words, free_bytes, is_disk_full
from photo_dedup.cache.atomic import write_text as replace_text
from photo_dedup.cache.chunk_records import counted_records, looks_whole
from photo_dedup.cache.layout import CACHE_DIR, CacheLayout
from photo_dedup.cache.sidecar_store import SidecarStore
from photo_dedup.config.decisions_file import DecisionsProblem, load_decisions_document
from photo_dedup.outputs.results_layout import RESULTS, RESULTS_DIR
from photo_dedup.scan.chunks import (
    manifest_text,
    previous_split,
    read_manifest,
    split_into_chunks,
    write_if_changed,
    write_manifests,
)
from photo_dedup.scan.walk import FileEntry, distinct_roots, inside, scan_library

DEMO_LIBRARY = "demo-library"


class ConfigProblem(Exception):
    """A configuration mistake, explained in one line."""

    def __init__(self, message: str, workdir_inside_library: bool = False) -> None:
        super().__init__(message)
        self.workdir_inside_library = workdir_inside_library


@dataclass
class RunPlan:
    libraries: list[str]
    chunks: list[str]
    notes: list[str] = field(default_factory=list)
    # a dry run's plan files that differ from the cache's, by their name in the cache (see DryRunPlan)
    plan_files: dict[str, str] = field(default_factory=dict)


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
            # case folded: on a case-insensitive disk "lib/results" is inside "Lib"
            if inside(path, root, fold_case=True):
                raise ConfigProblem(
                    f"{name} ({path}) would be inside the library {root} (names compared as a "
                    "case-insensitive disk does): run photo-dedup from a folder outside the library "
                    "(nothing may be written inside it)",
                    workdir_inside_library=inside(workdir, root, fold_case=True),
                )


def preferred_roots_unseen(preferred: list[str], workdir: str) -> list[str]:
    """A line for each keeper.preferred_roots folder that prefers nothing: not a folder (a relative
    one is read from the working folder, where the run starts)."""
    notes = []
    for root in preferred:
        where = os.path.abspath(os.path.join(workdir, os.path.expanduser(str(root))))
        if not os.path.isdir(where):
            notes.append(f"keeper.preferred_roots: {root} is not a folder ({where}): it prefers no copy")
    return notes


def check_decisions(path: str, workdir: str, dry_run: bool = False) -> None:
    """Refuse a malformed decisions file, and withdraw the results that ignored it (not on a dry run)."""
    if not os.path.exists(path):
        return
    try:
        load_decisions_document(path)
    except DecisionsProblem as problem:
        withdrawn = [] if dry_run else withdraw_results(workdir)
        note = f"; the previous results were withdrawn ({', '.join(withdrawn)})" if withdrawn else ""
        raise ConfigProblem(f"{problem}{note}. Fix or remove the file, then run again") from problem


def withdraw_results(workdir: str) -> list[str]:
    """Remove the report files of an earlier run; returns the names removed (and, said so, any that
    could not be: one left behind must not pass silently for a current one)."""
    removed = []
    for name in RESULTS.withdrawn():
        try:
            os.unlink(os.path.join(workdir, name))
        except FileNotFoundError:
            continue
        except OSError as error:
            removed.append(f"{name.as_posix()} NOT removed: {error.strerror}")
            continue
        removed.append(name.as_posix())
    return removed


# Disk space a run needs at least, measured on 120 photos (2026-12-01): a photo fingerprinted again
# takes its line in the new chunk file (6 KB: the 64x64 grey picture in base64); a new photo also its
# sidecar, content record and thumbnail (40 KB in all); Snakemake's records, the logs and the
# results about 0.3 MB (more where many photos are grouped: their thumbnails are copied).
BYTES_PER_PHOTO = 6_000
BYTES_PER_NEW_PHOTO = 40_000
BYTES_PER_RUN = 300_000


def _disk_full_stops_the_run(prepare: Callable[..., RunPlan]) -> Callable[..., RunPlan]:
    """A full disk stops the run in one line: while the plan is written (manifests, scan report),
    or before any step starts when the working directory has less room than the run needs at least
    (the steps would each fail, and Snakemake, unable to write its own records, says nothing useful)."""

    @functools.wraps(prepare)
    def prepared(config: dict[str, Any], workdir: str, cores: int | None = None, dry_run: bool = False) -> RunPlan:
        try:
            plan = prepare(config, workdir, cores, dry_run)
        except OSError as error:
            if is_disk_full(error):
                raise ConfigProblem(f"{disk_full_words(error)} (step scan)") from error
            raise
        if dry_run:  # it writes nothing here
            return plan
        needed = bytes_needed(Path(workdir) / CACHE_DIR)
        free = free_bytes(workdir)
        if free is not None and free < needed:
            full = DiskFull(workdir, needed - free)
            raise ConfigProblem(f"{disk_full_words(full)} (step scan)")
        return plan

    return prepared


def bytes_needed(cache: Path) -> int:
    """The least room the steps of this run need: for the photos of the chunks it makes (named in
    the progress plan), more for those with no sidecar yet."""
    try:
        plan = json.loads(CacheLayout(cache).progress_plan.read_text(encoding="utf-8"))
        names = [str(name) for name in plan["chunks"]]
    except (OSError, ValueError, KeyError, TypeError):
        return BYTES_PER_RUN
    if not names:  # nothing to fingerprint: a rerun of the report steps at most
        return 0
    store = SidecarStore(cache)
    needed = BYTES_PER_RUN
    for name in names:
        with contextlib.suppress(OSError, ValueError, KeyError):
            for entry in read_manifest(CacheLayout(cache).manifest(name)):
                new = not store.sidecar_path(entry.path).exists()
                needed += BYTES_PER_NEW_PHOTO if new else BYTES_PER_PHOTO
    return needed


def chosen_library(config: dict[str, Any], workdir: str, dry_run: bool = False) -> tuple[list[str], list[str]]:
    """The library roots of this run, and a note saying where they come from when not given.

    A working folder remembers its library: a run without `library` reuses the last run's roots
    (so a plain `snakemake` never replaces your results with the demo's). The demo library is used
    in a fresh folder or with `library=demo`, and the run says so. `config["library"]` is set to
    what is used, so that the next run (and the review page's Rerun) remembers it too.
    """
    given = config.get("library")
    if given in (None, "", []):
        remembered = _last_library(CacheLayout.of(workdir).last_config)
        if remembered:
            config["library"] = remembered
            shown = ", ".join(library_roots(config))
            return library_roots(config), [
                f"no library given: using the last run's, {shown} (library=demo for the demo)"
            ]
    if given in (None, "", []) and _results_of_another_library(Path(workdir)):
        raise ConfigProblem(
            "no library given, and this folder's results are of a library it no longer remembers"
            " (cache/ was removed): run with --config library=/path/to/photos,"
            " or library=demo to replace them with the demo's"
        )
    if given in (None, "", [], DEMO_KEYWORD):
        demo_root = os.path.join(workdir, DEMO_LIBRARY)
        config["library"] = DEMO_KEYWORD
        if not os.path.isdir(demo_root) and dry_run:
            return [], [f"demo library ({demo_root}): not built on a dry run, so no photo is planned"]
        if not os.path.isdir(demo_root):
            from photo_dedup.demo import build_demo_library

            build_demo_library(demo_root)
        return [demo_root], [
            f"demo library ({demo_root}): run with --config library=/path/to/photos for your own photos"
        ]
    return library_roots(config), []


DEMO_KEYWORD = "demo"


def _results_of_another_library(workdir: Path) -> bool:
    """results/ holds a run's groups while the demo library was never built here."""
    return (workdir / RESULTS.groups_json).exists() and not (workdir / DEMO_LIBRARY).is_dir()


def _last_library(last_config: Path) -> str | list[str] | None:
    """The library the last run in this folder used (None where none, or the demo)."""
    try:
        library = json.loads(last_config.read_text(encoding="utf-8")).get("library")
    except (OSError, ValueError, AttributeError, RecursionError):
        return None
    if isinstance(library, str) and library not in ("", DEMO_KEYWORD):
        return library
    if isinstance(library, list) and library and all(isinstance(root, str) for root in library):
        return library
    return None


@_disk_full_stops_the_run
def prepare_run(config: dict[str, Any], workdir: str, cores: int | None = None, dry_run: bool = False) -> RunPlan:
    """Resolve the library (building the demo one if none is set), scan it, write manifests.

    `config` is the validated config, with the schema's defaults filled in; `cores` the number of
    jobs that run at once, None where unknown (see chunks.chunk_count). A dry run writes, withdraws
    and builds nothing in the working directory: its plan goes to a temporary folder (DryRunPlan).
    """
    roots, notes = chosen_library(config, workdir, dry_run)
    quarantine = os.path.abspath(os.path.join(workdir, config["quarantine"]))
    check_roots(roots, workdir, quarantine)
    check_decisions(os.path.join(workdir, config["decisions"]), workdir, dry_run)
    roots, more_notes = distinct_roots(roots)
    notes += more_notes + preferred_roots_unseen(config.get("keeper", {}).get("preferred_roots", []), workdir)
    excludes = list(config["exclude"])
    scan = scan_library(roots, excludes)
    notes += scan.notes  # one folder reached through two mounts (the roots are distinct already)
    # what the library is, for the scan report; not how it was chosen nor what this run did to the
    # cache, which would make the next run's report differ and Snakemake remake the results
    library_notes = more_notes + scan.notes
    layout = CacheLayout.of(workdir)
    cache = layout.root
    chunks = split_into_chunks(scan.photos, int(config["photos_per_job"]), cores, previous_split(layout.manifests))
    dry = DryRunPlan(cache) if dry_run else None
    if dry is None:
        write_manifests(chunks, layout.manifests)
    else:
        for name, entries in chunks.items():
            dry.write(f"manifests/{name}.jsonl", manifest_text(entries))
    chunk_notes = remove_damaged_chunks(chunks, layout.chunks, dry)
    notes += chunk_notes
    if dry is None:
        write_progress_plan(chunks, cache)
        # the configuration of this run, for the review server's "rerun" (see review_server.py)
        write_if_changed(layout.last_config, json.dumps(config, sort_keys=True, indent=1, default=str) + "\n")
    remake = any(not layout.chunk_file(name).exists() for name in chunks)
    if remake and dry is None:
        # Snakemake does not rerun a job for a missing intermediate file while the final
        # results look up to date: withdraw the results so that they are made anew.
        withdrawn = withdraw_results(workdir)
        if withdrawn and not chunk_notes:  # (a regrouping or a cut chunk was said already)
            notes.append(f"fingerprints are missing from {cache}: the results are made anew")
    scan_report = {
        "libraries": roots,
        "counts": dict(sorted(scan.counts.items())),
        "problems": [{"path": p.path, "reason": p.reason} for p in scan.problems],
        "companions": dict(sorted(scan.companions.items())),
        "notes": library_notes,
    }
    scan_text = json.dumps(scan_report, sort_keys=True, indent=1) + "\n"
    if dry is None:
        write_if_changed(layout.scan, scan_text)
    else:
        dry.write("scan.json", scan_text)
        if remake:  # the run withdraws the results: a newer scan report shows them made anew
            dry.renew("scan.json")
    notes += write_photos_catalog(sorted(scan.bundles), layout.photos_catalog, dry)
    return RunPlan(libraries=roots, chunks=list(chunks), notes=notes, plan_files=dry.changed if dry else {})


class DryRunPlan:
    """What a dry run's scan would write into the cache, written instead into a temporary folder
    (removed when the process ends), and only where it differs from the cache's own file.

    Snakemake then reads the cache's file where the run leaves it as it is, and the temporary one
    where the run rewrites it: an input at another path is a changed input to Snakemake, as the
    rewritten file would be (newer than what was made from it). So the dry run plans the jobs the
    run will make, and changes nothing.
    """

    def __init__(self, cache: Path) -> None:
        self.cache = cache
        self.folder = Path(tempfile.mkdtemp(prefix="photo-dedup-dry-run-"))
        atexit.register(shutil.rmtree, self.folder, ignore_errors=True)
        self.changed: dict[str, str] = {}  # name in the cache -> path of its new version

    def write(self, name: str, text: str) -> None:
        """Plan `text` as the new content of the cache's file `name` (nothing where it holds it)."""
        if self._cached(name) != text:
            self._put(name, text)

    def renew(self, name: str) -> None:
        """Plan the cache's file `name` as rewritten, so that what is made from it is made again."""
        if name not in self.changed:
            self._put(name, self._cached(name) or "")

    def _cached(self, name: str) -> str | None:
        try:
            return (self.cache / name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def _put(self, name: str, text: str) -> None:
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.changed[name] = str(path)


def remove_snakemake_log(logfiles: list[str], workdir: str) -> None:
    """Take back the log file Snakemake made in `workdir/.snakemake/log` before the checks ran.

    Snakemake opens its log before it reads the Snakefile, so a run started inside the library
    has already written there when the check refuses it. Only this run's log files are removed,
    and the two folders only if that leaves them empty (so nothing the user had is touched).
    """
    log_dir = os.path.join(os.path.realpath(workdir), ".snakemake", "log")
    for logfile in logfiles:
        if os.path.dirname(os.path.realpath(logfile)) == log_dir:
            with contextlib.suppress(OSError):
                os.unlink(logfile)
    for folder in (log_dir, os.path.dirname(log_dir)):
        with contextlib.suppress(OSError):
            os.rmdir(folder)


def write_photos_catalog(bundles: list[str], path: Path, dry: DryRunPlan | None = None) -> list[str]:
    """What the Apple Photos libraries found know of their originals (read again only when changed)."""
    try:
        previous = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        previous = {}
    catalog, notes = catalog_libraries(bundles, previous if isinstance(previous, dict) else {})
    text = json.dumps(catalog, sort_keys=True, indent=1) + "\n"
    if dry is None:
        write_if_changed(path, text)
    else:
        dry.write(path.name, text)
    return notes


def write_progress_plan(chunks: dict[str, list[FileEntry]], cache: Path) -> None:
    """The chunks this run will fingerprint (their file missing or older than their manifest), and
    when it started: each chunk job reads it to say how far the run is and how long it may take."""
    to_run = {}
    for name, entries in chunks.items():
        chunk, manifest = CacheLayout(cache).chunk_file(name), CacheLayout(cache).manifest(name)
        if not chunk.exists() or chunk.stat().st_mtime < manifest.stat().st_mtime:
            to_run[name] = len(entries)
    plan = {"started": time.time(), "chunks": to_run}
    replace_text(CacheLayout(cache).progress_plan, json.dumps(plan, sort_keys=True) + "\n")


def remove_damaged_chunks(chunks: dict[str, list[FileEntry]], folder: Path, dry: DryRunPlan | None = None) -> list[str]:
    """Remove chunk files that are cut short or count other photos than their manifest, so that
    Snakemake makes them again (it reads only their end, so a no-op rerun stays fast). A cut-short
    file is named; chunks made for another set of photos (new or removed photos, another --cores or
    library) are counted in one line: their photos' fingerprints are reused, not decoded again.
    A dry run removes nothing: it plans the chunk's manifest as rewritten instead, so that Snakemake
    plans the chunk again as the run will."""
    notes, regrouped = [], 0
    for name, entries in chunks.items():
        path = folder / f"{name}.jsonl"
        if not path.exists() or looks_whole(path, len(entries)):
            continue
        counted = counted_records(path)
        if dry is not None:
            dry.renew(f"manifests/{name}.jsonl")
        else:
            path.unlink()
        if counted is None:
            notes.append(f"{path} was cut short (an interrupted run or a full disk): it is made again")
        else:
            regrouped += 1
    if regrouped:
        notes.append(
            f"regrouping {regrouped} of {len(chunks)} fingerprint chunks (photos added or removed, or another "
            "--cores or library): photos already fingerprinted are not decoded again"
        )
    return notes


def planned_run(workdir: str) -> RunPlan:
    """The plan the main process wrote, for a job that Snakemake runs elsewhere (a cluster node).

    Such a job must not scan the library again: it only needs to know the chunks and roots.
    """
    cache = CacheLayout.of(workdir).root
    scan = json.loads(CacheLayout(cache).scan.read_text(encoding="utf-8"))
    chunks = sorted(path.stem for path in CacheLayout(cache).manifests.glob("*.jsonl"))
    return RunPlan(libraries=list(scan["libraries"]), chunks=chunks)
