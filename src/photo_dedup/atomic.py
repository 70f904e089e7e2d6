"""Write files whole or not at all: a temporary file beside the target, then a rename.

A run that is killed, or a disk that fills up, leaves either the old file or the
new one, never half of one that a later run would trust.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def replacing(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces `path`, on failure it is removed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".part")
    os.close(handle)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_text(path: str | Path, text: str, errors: str = "strict") -> None:
    """Write `text` as UTF-8 (surrogate-escaped file-name bytes pass through with errors="surrogateescape")."""
    with replacing(path) as tmp:
        tmp.write_text(text, encoding="utf-8", errors=errors)


def copy_file(source: str | Path, target: str | Path) -> None:
    """Copy a file's bytes so that `target` is never seen half-written."""
    with replacing(target) as tmp, open(source, "rb") as src, open(tmp, "wb") as dst:
        while block := src.read(1 << 20):
            dst.write(block)


def display_text(text: str) -> str:
    """A file name for people: bytes that are not UTF-8 (kept as surrogates) shown as U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
