"""The SHA-256 of a file's bytes: how photos and their companions are identified (a leaf module)."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

from photo_dedup.cache.atomic import write_text


def file_digest(path: str, also: Callable[[bytes], None] | None = None) -> str:
    """SHA-256 of the file's bytes (the deletion script re-checks it with sha256sum); `also` is
    given each block read, for what else is learnt from the bytes on the way."""
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            sha.update(block)
            if also is not None:
                also(block)
    return sha.hexdigest()


class DigestCache:
    """SHA-256s remembered with the size and mtime they were taken from, in one JSON file, so a
    file that has not changed is read once across runs (a removed photo's companion videos were
    hashed again at every gather). A missing or damaged file is an empty cache; with no file at
    all (`path` None) it remembers for one run only."""

    def __init__(self, path: str | Path | None) -> None:
        self.path = Path(path) if path else None
        try:
            known = json.loads(self.path.read_text(encoding="utf-8")) if self.path else {}
        except (OSError, ValueError):
            known = {}
        self.known: dict[str, list[int | str]] = known if isinstance(known, dict) else {}
        self.changed = False

    def size_and_digest(self, path: str) -> tuple[int, str]:
        """The file's size and SHA-256 (raises OSError if it cannot be read)."""
        stat = os.stat(path)
        remembered = self.known.get(path)
        if isinstance(remembered, list) and remembered[:2] == [stat.st_size, stat.st_mtime_ns]:
            return stat.st_size, str(remembered[2])
        digest = file_digest(path)
        self.known[path] = [stat.st_size, stat.st_mtime_ns, digest]
        self.changed = True
        return stat.st_size, digest

    def save(self) -> None:
        """Write the cache back if anything was added (whole or not at all)."""
        if self.changed and self.path:
            write_text(self.path, json.dumps(self.known, sort_keys=True) + "\n")
            self.changed = False
