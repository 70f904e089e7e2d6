"""Where per-photo sidecars, content records and thumbnails live in the cache.

A sidecar is keyed by the photo's path (mirrored under `sidecars/`, so a user
can find it by path) and remembers the size and mtime it was made from. The
facts that depend only on the bytes (format, size in pixels, EXIF, hashes,
thumbnail) are also kept under the content digest, so a renamed, moved or
re-imported photo costs one digest and no decode.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

Record = dict[str, Any]


class SidecarStore:
    def __init__(self, cache_dir: str | Path) -> None:
        self.root = Path(cache_dir)

    def sidecar_path(self, photo_path: str) -> Path:
        """`cache/sidecars/<absolute photo path>.json`."""
        return self.root / "sidecars" / (os.path.abspath(photo_path).lstrip("/") + ".json")

    def content_path(self, digest: str) -> Path:
        return self.root / "content" / digest[:2] / f"{digest}.json"

    def thumbnail_path(self, digest: str) -> Path:
        return self.root / "thumbs" / digest[:2] / f"{digest}.jpg"

    def read_sidecar(self, photo_path: str) -> Record | None:
        return _read_json(self.sidecar_path(photo_path))

    def read_content(self, digest: str) -> Record | None:
        return _read_json(self.content_path(digest))

    def write_sidecar(self, record: Record) -> None:
        _write_json(self.sidecar_path(record["path"]), record)

    def write_content(self, digest: str, record: Record) -> None:
        _write_json(self.content_path(digest), record)


def dumps(record: Record) -> str:
    """Deterministic JSON: sorted keys, no trailing spaces."""
    return json.dumps(record, sort_keys=True, ensure_ascii=True)


def _read_json(path: Path) -> Record | None:
    try:
        with open(path, encoding="utf-8") as handle:
            value = json.load(handle)
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _write_json(path: Path, record: Record) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    tmp.write_text(dumps(record) + "\n", encoding="utf-8")
    os.replace(tmp, path)
