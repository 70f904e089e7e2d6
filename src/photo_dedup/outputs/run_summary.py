"""What the terminal shows when a run ends: what was found, what needs a look, what to do next.

Printed by the workflow's `onsuccess` and `onerror` handlers (see the Snakefile), from the
results the run wrote, so a person does not have to open a log to learn the outcome.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType, TracebackType

from photo_dedup.cache.atomic import free_bytes
from photo_dedup.cache.chunk_records import looks_whole
from photo_dedup.cache.layout import CacheLayout
from photo_dedup.cache.sidecar_store import SidecarStore
from photo_dedup.outputs.results_layout import RESULTS
from photo_dedup.outputs.sizes import human_bytes
from photo_dedup.scan.chunks import read_manifest
from photo_dedup.workflow.step_log import FAILED, disk_full_marker

BETTER_OUTSIDE_PHOTOS = "kept: better copy outside Photos"


def counted(number: int, one: str, many: str) -> str:
    """ "1 photo", "2 photos"."""
    return f"{number} {one if number == 1 else many}"


def review_command() -> str:
    """The review server's command as the user can type it: its name where it is on PATH, else the
    path beside this Python (a venv that is not activated)."""
    if shutil.which("photo-dedup-review"):
        return "photo-dedup-review"
    beside = Path(sys.executable).parent / "photo-dedup-review"
    if not beside.exists():
        return "photo-dedup-review"
    relative = os.path.relpath(beside)
    return shlex.quote(str(beside) if relative.startswith("..") else relative)


def summary_lines(workdir: str | Path, quarantine: str = "quarantine") -> list[str]:
    """The end-of-run summary, from results/groups.json."""
    workdir = Path(workdir)
    document = json.loads((workdir / RESULTS.groups_json).read_text(encoding="utf-8"))
    summary = document["summary"]
    members = [member for group in document["groups"] for member in group["members"]]
    lines = [
        "",
        "photo-dedup: done.",
        f"  {counted(summary['photos_scanned'], 'photo', 'photos')} scanned, {summary['unreadable']} unreadable"
        + (" (listed in results/unreadable.csv)" if summary["unreadable"] else "")
        + (
            f"; {summary['photos_found_by_content']} found by their content (no extension, or a wrong one)"
            if summary.get("photos_found_by_content")
            else ""
        ),
        f"  {counted(summary['groups'], 'duplicate group', 'duplicate groups')}: "
        f"{counted(summary['files_to_remove'], 'file', 'files')} to remove, "
        f"{human_bytes(int(summary['bytes_to_reclaim']))} to reclaim",
    ]
    review = [
        counted(summary[key], one, many)
        for key, one, many in (
            ("edit_groups", "edit of one shot", "edits of one shot"),
            ("similar_groups", "set of similar shots", "sets of similar shots"),
        )
        if summary.get(key)
    ]
    if review:
        lines.append(f"  Also on the page, kept unless you choose: {' and '.join(review)}")
    if summary.get("photos_duplicates"):
        lines.append(
            f"  {summary['photos_duplicates']} duplicates inside Apple Photos: "
            "results/apple-photos-duplicates.applescript puts them in an album for you to delete in Photos"
        )
    attention = []
    if summary.get("keepers_lacking_metadata"):
        lacking = summary["keepers_lacking_metadata"]
        attention.append(f"{counted(lacking, 'kept photo lacks', 'kept photos lack')} metadata a removed copy has")
    better = sum(1 for member in members if str(member.get("reason", "")).startswith(BETTER_OUTSIDE_PHOTOS))
    if better:
        attention.append(
            f"{counted(better, 'better copy', 'better copies')} outside Apple Photos kept beside their asset"
        )
    conversions = sum(1 for member in members if member.get("conversion"))
    if conversions:
        attention.append(
            f"{counted(conversions, 'conversion', 'conversions')} (files made from another copy of their group) marked"
        )
    if attention:
        lines.append("  Needs a look: " + "; ".join(attention) + ".")
    report = (workdir / RESULTS.report_html).resolve()
    lines.append(f"  Review: file://{report}")
    lines.append(f"     or: {review_command()}   (the same page on 127.0.0.1; it saves your choices and reruns)")
    if summary["files_to_remove"]:
        where = shlex.quote(quarantine.rstrip("/") + "/")
        lines.append(f"  Next: sh results/delete-duplicates.sh -n   (a dry run; without -n it moves them to {where})")
    else:
        lines.append("  Nothing to remove.")
    return lines


def failure_line(workdir: str | Path, since: float) -> str:
    """One line naming the step that failed and its log (the newest step log written since `since`);
    for a full disk, what it needed and where, once however many steps it stopped ("" where a step
    has said so on the terminal already)."""
    logs = Path(workdir) / "logs"
    failed, full, written = [], [], []
    for path in logs.rglob("*.log") if logs.is_dir() else []:
        try:
            if path.stat().st_mtime < since:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        written.append(path)
        if FAILED in text:
            failed.append(path)
            full += [(path, line) for line in text.splitlines() if f"{FAILED}: disk full: " in line]
    if full:
        _, line = max(full, key=lambda found: found[0].stat().st_mtime)
        said = disk_full_marker(workdir)
        if said.exists():  # the step said it on the terminal already (step_log.say_once)
            said.unlink(missing_ok=True)
            return ""
        return "photo-dedup: " + line.split(f"{FAILED}: ", 1)[1]
    if not failed:
        room = free_bytes(workdir)
        if room is not None and room < DISK_NEARLY_FULL:
            said = disk_full_marker(workdir)
            if said.exists():  # a step said it already, and the full disk kept its log from saying so
                said.unlink(missing_ok=True)
                return ""
            steps = sorted(path.relative_to(logs).with_suffix("").as_posix() for path in written)
            where = f" (step {steps[0]})" if steps else ""
            return f"photo-dedup: disk full: no space left in {os.path.abspath(workdir)}{where}"
        return "photo-dedup: the run stopped with an error; Snakemake's messages above say where."
    newest = max(failed, key=lambda path: path.stat().st_mtime)
    step = newest.relative_to(logs).with_suffix("").as_posix()
    return f"photo-dedup: step {step} failed; see {os.path.relpath(newest, workdir)}"


DISK_NEARLY_FULL = 1 << 20  # bytes free: too few to write a step's log and results


def interrupted_line(cache: str | Path, chunks: list[str]) -> str:
    """What a run stopped by Ctrl-C says: how many of the library's photos are fingerprinted (the
    next run reuses them) and what to do. A photo counts where its chunk file is whole and newer
    than its manifest, or, in a chunk cut short, where its sidecar matches its size and mtime."""
    cache = Path(cache)
    store = SidecarStore(cache)
    done = total = 0
    for name in chunks:
        manifest, chunk = CacheLayout(cache).manifest(name), CacheLayout(cache).chunk_file(name)
        try:
            entries = list(read_manifest(manifest))
            current = looks_whole(chunk, len(entries)) and chunk.stat().st_mtime >= manifest.stat().st_mtime
        except (OSError, ValueError, KeyError):
            continue
        total += len(entries)
        if current:
            done += len(entries)
            continue
        for entry in entries:
            sidecar = store.read_sidecar(entry.path)
            if sidecar and (sidecar.get("size"), sidecar.get("mtime_ns")) == (entry.size, entry.mtime_ns):
                done += 1
    return (
        f"photo-dedup: interrupted: {done} of {counted(total, 'photo', 'photos')} fingerprinted; "
        "run the same command to continue"
    )


class CtrlC:
    """Whether Ctrl-C stopped this run, and its one line. While jobs run, Snakemake takes it as a
    failure (it cancels the jobs and calls `onerror`, which asks `pressed`); before they start (the
    job graph being built) the KeyboardInterrupt leaves Snakemake, and the one line replaces
    Python's traceback."""

    def __init__(self, line: Callable[[], str]) -> None:
        self.pressed = False
        self.line = line  # what to say, asked when it is said (how far the run got by then)

    def watch(self) -> None:
        """Note SIGINT, then raise KeyboardInterrupt as Python's own handler does (main thread only)."""
        with contextlib.suppress(ValueError):  # not the main thread: Snakemake's own handling stays
            signal.signal(signal.SIGINT, self._pressed)
            previous = sys.excepthook

            def one_line(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
                if issubclass(kind, KeyboardInterrupt):
                    print(self.line(), file=sys.stderr)
                else:
                    previous(kind, error, trace)

            sys.excepthook = one_line

    def _pressed(self, signum: int, frame: FrameType | None) -> None:
        self.pressed = True
        signal.default_int_handler(signum, frame)
