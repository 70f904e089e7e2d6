"""Walk the library roots and list the photos to fingerprint.

Symbolic links are never followed: a link is not a copy that frees space when
removed, and following links risks loops and leaving the library. Broken links
and unreadable files or folders are reported, never fatal.
"""

from __future__ import annotations

import errno
import os
from collections import Counter
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path

from photo_dedup.apple_photos import is_bundle
from photo_dedup.companion_files import find_companions, is_sidecar_name
from photo_dedup.formats import kind_of
from photo_dedup.settings import default

DEFAULT_EXCLUDES = tuple(default("exclude"))


@dataclass(frozen=True, order=True)
class FileEntry:
    """A photo found by the scan, with the facts that tell whether it changed."""

    path: str
    size: int
    mtime_ns: int


@dataclass(frozen=True, order=True)
class Problem:
    """A file or folder that could not be considered, and why (for unreadable.csv)."""

    path: str
    reason: str


@dataclass
class ScanResult:
    photos: list[FileEntry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    # Files that go with a photo: photo path -> [[kind, path], ...] (see companion_files).
    companions: dict[str, list[list[str]]] = field(default_factory=dict)
    # (device, inode) of every photo listed: a file reached by a second path (a hard link) is listed once.
    seen_files: dict[tuple[int, int], str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # Apple Photos libraries found (their originals are scanned; Photos manages them)
    bundles: list[str] = field(default_factory=list)


def distinct_roots(roots: list[str]) -> tuple[list[str], list[str]]:
    """The roots as real paths (links resolved), without repeats or roots inside another root.

    A root inside another (or the same folder reached through a link) would list every photo
    there twice, as an "identical" copy of itself: removing that copy would lose the photo.

    Returns:
        The roots to walk, in the given order, and one note per root left out.
    """
    resolved = [os.path.realpath(os.path.expanduser(root)) for root in roots]
    kept: list[str] = []
    notes: list[str] = []
    for given, real in zip(roots, resolved, strict=True):
        outer = next((other for other in resolved if other != real and inside(real, other)), None)
        if outer is not None:
            notes.append(f"library root {given} lies inside {outer}: scanned once, as part of {outer}")
        elif real in kept:
            if given != real:
                notes.append(f"library root {given} is the same folder as {real}: scanned once")
        else:
            kept.append(real)
    return kept, notes


def is_excluded(relative: str, patterns: tuple[str, ...] | list[str]) -> bool:
    """Whether a path relative to its root matches an exclude pattern.

    A pattern without "/" matches any single path component (like .gitignore);
    a pattern with "/" matches the whole relative path ("*" may span folders).
    """
    parts = relative.split("/")
    for pattern in patterns:
        if "/" in pattern:
            if fnmatchcase(relative, pattern) or fnmatchcase(relative + "/", pattern):
                return True
        elif any(fnmatchcase(part, pattern) for part in parts):
            return True
    return False


def _symlink_problem(path: str) -> Problem | None:
    try:
        os.stat(path)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return Problem(path, "symbolic link loop: the link points back to itself")
        return Problem(path, "broken symbolic link: its target does not exist")
    return None


def scan_library(roots: list[str], excludes: tuple[str, ...] | list[str]) -> ScanResult:
    """List every photo under the roots, minus excluded paths, in sorted order.

    Args:
        roots: library folders (absolute or relative; reported absolute).
        excludes: glob patterns, see `is_excluded`.

    Returns:
        Photos with size and mtime, problems with reasons, and counts by kind.
    """
    result = ScanResult()
    walk_roots, result.notes = distinct_roots(roots)
    for root in walk_roots:
        if is_bundle(root):
            result.bundles.append(root)
        _walk(root, root, excludes, result)
    result.photos.sort()
    result.problems.sort()
    return result


def _walk(root: str, folder: str, excludes: tuple[str, ...] | list[str], out: ScanResult) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as error:
        out.problems.append(Problem(folder, f"folder cannot be read: {error.strerror}"))
        out.counts["unreadable"] += 1
        return
    photos_here: list[str] = []
    others_here: dict[str, str] = {}  # lower-case name -> name: videos and sidecars, for companions
    for entry in entries:
        relative = os.path.relpath(entry.path, root).replace(os.sep, "/")
        if is_excluded(relative, excludes):
            out.counts["excluded"] += 1
            continue
        if entry.is_symlink():
            problem = _symlink_problem(entry.path)
            if problem:
                out.problems.append(problem)
                out.counts["unreadable"] += 1
            else:
                out.counts["symlinks (not followed)"] += 1
            continue
        if entry.is_dir(follow_symlinks=False):
            if is_bundle(entry.name):
                out.bundles.append(entry.path)
            _walk(root, entry.path, excludes, out)
            continue
        if not entry.is_file(follow_symlinks=False):
            out.counts["other"] += 1
            continue
        kind = kind_of(entry.name)
        if kind == "video" or is_sidecar_name(entry.name):
            others_here[entry.name.lower()] = entry.name
        if kind != "photo":
            out.counts[kind] += 1
            continue
        if not os.access(entry.path, os.R_OK):
            out.problems.append(Problem(entry.path, "permission denied: the file cannot be read"))
            out.counts["unreadable"] += 1
            continue
        stat = entry.stat(follow_symlinks=False)
        identity = (stat.st_dev, stat.st_ino)
        if identity in out.seen_files:
            # a hard link: the same file as a photo listed already; removing one name frees nothing
            out.counts["hard links (same file listed once)"] += 1
            continue
        out.seen_files[identity] = entry.path
        out.photos.append(FileEntry(entry.path, stat.st_size, stat.st_mtime_ns))
        out.counts["photo"] += 1
        photos_here.append(entry.name)
    if photos_here and others_here:
        out.companions.update(find_companions(folder, photos_here, others_here))


def inside(path: str | Path, folder: str | Path) -> bool:
    """True when `path` is `folder` or lies below it (after resolving links on both)."""
    real_path, real_folder = os.path.realpath(path), os.path.realpath(folder)
    return real_path == real_folder or real_path.startswith(real_folder.rstrip(os.sep) + os.sep)
