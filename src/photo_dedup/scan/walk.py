"""Walk the library roots and list the photos to fingerprint.

Symbolic links are never followed: a link is not a copy that frees space when
removed, and following links risks loops and leaving the library. Broken links
and unreadable files or folders are reported, never fatal.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path

from photo_dedup.apple_photos.catalog import is_bundle
from photo_dedup.config.settings import default
from photo_dedup.fingerprint.formats import kind_of, sniff_photo
from photo_dedup.scan.companion_files import find_companions, is_sidecar_name

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
    # (device, inode) of every photo listed -> its path and root: a file reached by a second path
    # (a hard link, a bind mount) is listed once.
    seen_files: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)
    # (size, mtime_ns, ctime_ns) -> (device, path, root) of the photo listed first (see _times_key)
    seen_times: dict[tuple[int, int, int], tuple[int, str, str]] = field(default_factory=dict)
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
        same = next((root for root in kept if same_folder(real, root)), None)
        if same is not None:  # also one folder through two mounts: each is "inside" the other
            if given != same:
                notes.append(f"library root {given} is the same folder as {same}: scanned once")
            continue
        outer = next((other for other in resolved if not same_folder(real, other) and inside(real, other)), None)
        if outer is not None:
            notes.append(f"library root {given} lies inside {outer}: scanned once, as part of {outer}")
        else:
            kept.append(real)
    return kept, notes


def same_folder(a: str, b: str) -> bool:
    """One folder, by name or by device and inode (a bind mount shows one folder at two paths)."""
    if a == b:
        return True
    try:
        return os.path.samestat(os.stat(a), os.stat(b))
    except OSError:
        return False


def is_excluded(relative: str, patterns: tuple[str, ...] | list[str], root_name: str = "") -> bool:
    """Whether a path relative to its root matches an exclude pattern.

    A pattern without "/" matches any single path component (like .gitignore);
    a pattern with "/" matches the whole relative path ("*" may span folders), also with the root's
    own folder name in front: `*.photoslibrary/resources/**` then holds when the bundle itself is the
    root.
    """
    parts = relative.split("/")
    paths = [relative, f"{root_name}/{relative}"] if root_name else [relative]
    for pattern in patterns:
        if "/" in pattern:
            if any(fnmatchcase(path, pattern) or fnmatchcase(path + "/", pattern) for path in paths):
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
    seen_twice: Counter[tuple[str, str]] = Counter()  # (root walked, root seen first) -> files seen twice
    for root in walk_roots:
        if is_bundle(root):
            result.bundles.append(root)
        _walk(root, excludes, result, seen_twice)
    result.notes += [
        f"{count} photos under {root} are the same files as under {first} (same size, modification and "
        "change times on another device: one folder reached through two mounts?): listed once"
        for (root, first), count in sorted(seen_twice.items())
    ]
    links = result.counts["symlinks (not followed)"]
    if links:  # a folder linked into the library would otherwise be left out without a word
        result.notes.append(
            f"{links} symbolic link{'' if links == 1 else 's'} in the library not followed (never scanned, never "
            "moved): give a link's target as a library root to scan what it points to"
        )
    result.photos.sort()
    result.problems.sort()
    return result


@dataclass
class _Folder:
    """A folder being walked: its entries still to visit, and what it holds so far (for companions)."""

    path: str
    entries: Iterator[os.DirEntry[str]]
    photos: list[str] = field(default_factory=list)
    others: dict[str, str] = field(default_factory=dict)  # lower-case name -> name: videos and sidecars


def _open_folder(folder: str, out: ScanResult) -> _Folder | None:
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as error:
        out.problems.append(Problem(folder, f"folder cannot be read: {error.strerror}"))
        out.counts["unreadable"] += 1
        return None
    return _Folder(folder, iter(entries))


def _walk(
    root: str, excludes: tuple[str, ...] | list[str], out: ScanResult, seen_twice: Counter[tuple[str, str]]
) -> None:
    """Depth first, each folder's entries by name, a subfolder walked where its name comes: with a
    stack of folders, not recursion, so a tree of any depth is walked (Python stops at ~1,000 calls)."""
    top = _open_folder(root, out)
    stack = [top] if top else []
    while stack:
        folder = stack[-1]
        entry = next(folder.entries, None)
        if entry is None:
            stack.pop()
            if folder.photos and folder.others:
                out.companions.update(find_companions(folder.path, folder.photos, folder.others))
            continue
        relative = os.path.relpath(entry.path, root).replace(os.sep, "/")
        if is_excluded(relative, excludes, os.path.basename(root.rstrip(os.sep))):
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
            below = _open_folder(entry.path, out)
            if below:
                stack.append(below)
            continue
        if not entry.is_file(follow_symlinks=False):
            out.counts["other"] += 1
            continue
        kind = kind_of(entry.name)
        if kind == "video" or is_sidecar_name(entry.name):
            folder.others[entry.name.lower()] = entry.name
        elif kind == "other" and entry.is_file(follow_symlinks=False) and sniff_photo(entry.path):
            kind = "photo"  # no extension, or a wrong one: the content says photo
            out.counts["photos found by content (no or a wrong extension)"] += 1
        if kind != "photo":
            out.counts[kind] += 1
            continue
        if not os.access(entry.path, os.R_OK):
            out.problems.append(Problem(entry.path, "permission denied: the file cannot be read"))
            out.counts["unreadable"] += 1
            continue
        stat = entry.stat(follow_symlinks=False)
        if _seen_already(entry.path, stat, root, out, seen_twice):
            continue
        out.photos.append(FileEntry(entry.path, stat.st_size, stat.st_mtime_ns))
        out.counts["photo"] += 1
        folder.photos.append(entry.name)


def _seen_already(
    path: str, stat: os.stat_result, root: str, out: ScanResult, seen_twice: Counter[tuple[str, str]]
) -> bool:
    """Whether this file is one listed already under another name: a hard link (same device and
    inode), or the same file reached through a second mount (see `_times_key`). Removing either
    name would free nothing, and the "duplicate" would be the photo itself."""
    identity = (stat.st_dev, stat.st_ino)
    if identity in out.seen_files:
        if stat.st_nlink > 1:
            out.counts["hard links (same file listed once)"] += 1
        else:  # a file with one name, seen twice: a bind mount (it keeps the device number)
            out.counts["same file seen through two mounts (listed once)"] += 1
            seen_twice[(root, out.seen_files[identity][1])] += 1
        return True
    key = _times_key(stat)
    first = out.seen_times.get(key)
    if first is not None and first[0] != stat.st_dev:
        out.counts["same file seen through two mounts (listed once)"] += 1
        seen_twice[(root, first[2])] += 1
        return True
    out.seen_files[identity] = (path, root)
    out.seen_times.setdefault(key, (stat.st_dev, path, root))
    return False


def _times_key(stat: os.stat_result) -> tuple[int, int, int]:
    """What one file shows through every mount of it: size, modification and change time.

    Two paths on different devices (st_dev) can be one file: a folder reached through two mounts
    (Unraid's /mnt/user and /mnt/disk1, a NAS share mounted twice, bindfs, sshfs), where the inode
    numbers may differ too. The change time (ctime) is set by the kernel whenever a file is
    written or its metadata changes and cannot be set by users or copy tools, so an independent
    copy (even one keeping the mtime, as cp -p and rsync -t do) almost never shares it to the
    nanosecond. Taking such a pair for one file errs the safe way: both are kept. On one device
    the inode decides (a copy made in the same clock tick may share the times there).
    """
    return stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns


def inside(path: str | Path, folder: str | Path, fold_case: bool = False) -> bool:
    """True when `path` is `folder` or lies below it: links resolved, one folder reached twice (the
    same device and inode) and, with `fold_case`, names that differ only in case (a case-insensitive
    disk takes "lib" for "Lib"; exFAT even gives the two spellings two inodes)."""
    real_path, real_folder = os.path.realpath(path), os.path.realpath(folder)
    spellings = [(real_path, real_folder)]
    if fold_case:
        spellings.append((real_path.casefold(), real_folder.casefold()))
    for text, prefix in spellings:
        if text == prefix or text.startswith(prefix.rstrip(os.sep) + os.sep):
            return True
    try:
        target = os.stat(real_folder)
    except OSError:
        return False
    above = real_path
    while True:
        with contextlib.suppress(OSError):
            if os.path.samestat(os.stat(above), target):
                return True
        parent = os.path.dirname(above)
        if parent == above:
            return False
        above = parent
