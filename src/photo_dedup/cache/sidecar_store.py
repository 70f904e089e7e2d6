"""Where per-photo sidecars, content records and thumbnails live in the cache.

A sidecar is keyed by the photo's path (mirrored under `sidecars/`, so a user
can find it by path) and remembers the size and mtime it was made from. The
facts that depend only on the bytes (format, size in pixels, EXIF, hashes,
thumbnail) are also kept under the content digest, so a renamed, moved or
re-imported photo costs one digest and no decode.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import cast

from photo_dedup.cache.atomic import write_text
from photo_dedup.cache.layout import CacheLayout
from photo_dedup.cache.sidecar_record import Sidecar


class SidecarStore:
    def __init__(self, cache_dir: str | Path) -> None:
        self.root = Path(cache_dir)
        self.layout = CacheLayout(self.root)

    def sidecar_path(self, photo_path: str) -> Path:
        """`cache/sidecars/<absolute photo path>.json`, with over-long names shortened (see `cache_name`)."""
        parts = os.path.abspath(photo_path).lstrip("/").split("/")
        parts[-1] += ".json"
        return self.layout.sidecars.joinpath(*(cache_name(part) for part in parts))

    def content_path(self, digest: str) -> Path:
        return self.layout.content / digest[:2] / f"{digest}.json"

    def thumbnail_path(self, digest: str) -> Path:
        return self.layout.thumbs / digest[:2] / f"{digest}.jpg"

    def thumbnail_whole(self, relative: object) -> bool:
        """The thumbnail a record names is there and whole (a JPEG ends with its EOI marker)."""
        if not isinstance(relative, str) or not relative:
            return False
        try:
            with open(self.root / relative, "rb") as handle:
                handle.seek(-2, os.SEEK_END)
                return handle.read(2) == b"\xff\xd9"
        except OSError:
            return False

    def read_sidecar(self, photo_path: str) -> Sidecar | None:
        return _read_json(self.sidecar_path(photo_path))

    def read_content(self, digest: str) -> Sidecar | None:
        return _read_json(self.content_path(digest))

    def write_sidecar(self, record: Sidecar) -> None:
        _write_json(self.sidecar_path(record["path"]), record)

    def write_content(self, digest: str, record: Sidecar) -> None:
        _write_json(self.content_path(digest), record)


# File systems allow 255 bytes a name; the sidecar adds ".json" and its temporary file more.
MAX_NAME_BYTES = 200


def cache_name(name: str) -> str:
    """`name` itself, or if it is too long to carry suffixes, its start plus a hash of the whole."""
    raw = os.fsencode(name)
    if len(raw) <= MAX_NAME_BYTES:
        return name
    digest = hashlib.blake2b(raw, digest_size=12).hexdigest()
    return os.fsdecode(raw[:100]).encode("utf-8", "ignore").decode("utf-8", "ignore") + "~" + digest


def dumps(record: Sidecar) -> str:
    """Deterministic JSON: sorted keys, no trailing spaces."""
    return json.dumps(record, sort_keys=True, ensure_ascii=True)


def _read_json(path: Path) -> Sidecar | None:
    try:
        with open(path, encoding="utf-8") as handle:
            value = json.load(handle)
    except (OSError, ValueError):
        return None
    return cast(Sidecar, value) if isinstance(value, dict) else None


def _write_json(path: Path, record: Sidecar) -> None:
    write_text(path, dumps(record) + "\n")
