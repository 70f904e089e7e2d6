"""Write files whole or not at all: a temporary file beside the target, then a rename.

A run that is killed, or a disk that fills up, leaves either the old file or the
new one, never half of one that a later run would trust.
"""

from __future__ import annotations

import contextlib
import errno
import math
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

# errno values that mean there is no room left to write: the disk is full, or the user's quota is
DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})


class DiskFull(OSError):
    """No room left to write a file: the folder it was going to, and the bytes it needed (0: unknown)."""

    def __init__(self, folder: str | Path, needed: int) -> None:
        super().__init__(errno.ENOSPC, os.strerror(errno.ENOSPC), str(folder))
        self.folder = os.path.abspath(folder)
        self.needed = needed

    def __str__(self) -> str:
        return disk_full_words(self)


def is_disk_full(error: BaseException) -> bool:
    return isinstance(error, OSError) and error.errno in DISK_FULL_ERRNOS


def disk_full_words(error: OSError) -> str:
    """What a full disk stopped, from a DiskFull or any ENOSPC error: for example
    "disk full: 2.5 MB needed in /work/cache/thumbs/ab" ("no space left in ..." where the size is unknown)."""
    if isinstance(error, DiskFull):
        folder, needed = error.folder, error.needed
    else:
        written = os.fsdecode(error.filename) if error.filename else ""
        folder, needed = (os.path.dirname(os.path.abspath(written)) if written else os.getcwd()), 0
    if needed <= 0:
        return f"disk full: no space left in {folder}"
    return f"disk full: {max(0.1, math.ceil(needed / 100_000) / 10):.1f} MB needed in {folder}"


def free_bytes(folder: str | Path) -> int | None:
    """Bytes free for this user on the file system holding `folder` (None if it cannot tell)."""
    try:
        facts = os.statvfs(folder)
    except OSError:
        return None
    return facts.f_bavail * facts.f_frsize


@contextlib.contextmanager
def replacing(path: str | Path, size: int = 0) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces `path`, on failure it is removed.

    A full disk raises DiskFull, naming the folder and the bytes needed: `size` where the caller
    knows it, else at least what was written before the space ran out.
    """
    path = Path(path)
    try:
        make_folders(path.parent)
        handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".part")
        os.close(handle)
    except OSError as error:
        if is_disk_full(error) and not isinstance(error, DiskFull):
            raise DiskFull(path.parent, size) from error
        raise
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException as error:
        written = 0
        with contextlib.suppress(OSError):
            written = os.stat(tmp).st_size
            os.unlink(tmp)
        if is_disk_full(error) and not isinstance(error, DiskFull):
            raise DiskFull(path.parent, max(size, written + 1)) from error
        raise


def make_folders(folder: Path) -> None:
    """`folder` and its missing parents, without recursion: Path.mkdir(parents=True) recurses once
    a missing level and fails below about 1,000 (a cache path mirrors a photo's, however deep)."""
    missing = []
    while not folder.is_dir() and folder.parent != folder:
        missing.append(folder)
        folder = folder.parent
    for one in reversed(missing):
        with contextlib.suppress(FileExistsError):
            os.mkdir(one)


def write_text(path: str | Path, text: str, errors: str = "strict") -> None:
    """Write `text` as UTF-8 (surrogate-escaped file-name bytes pass through with errors="surrogateescape")."""
    data = text.encode("utf-8", errors=errors)
    with replacing(path, len(data)) as tmp:
        tmp.write_bytes(data)


def copy_file(source: str | Path, target: str | Path) -> None:
    """Copy a file's bytes so that `target` is never seen half-written."""
    with open(source, "rb") as src, replacing(target, os.fstat(src.fileno()).st_size) as tmp, open(tmp, "wb") as dst:
        while block := src.read(1 << 20):
            dst.write(block)


def display_text(text: str) -> str:
    """A file name for people: bytes that are not UTF-8 (kept as surrogates) shown as U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
