"""A chunk's sidecars in one JSON-lines file, closed by a line that vouches for the rest.

The last line, `{"chunk_end": {"records": N, "sha256": ...}}`, counts the records and
hashes every byte before it. A file cut short (at a line break or not) or changed
afterwards no longer matches it, so a damaged chunk is rebuilt instead of silently
dropping photos from the results.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO

from photo_dedup.cache.sidecar_record import Sidecar
from photo_dedup.cache.sidecar_store import dumps

END_KEY = "chunk_end"
# The end line is short; reading this much from the end of the file always holds it.
_TAIL_BYTES = 4096


class DamagedChunk(Exception):
    """A chunk file that does not match its end line."""

    def __init__(self, path: str | Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = Path(path)


@contextlib.contextmanager
def rebuilt_when_damaged() -> Iterator[None]:
    """Around a step that reads chunk files: a damaged one is removed (its fingerprint job then runs
    again) and the step ends with one line saying so, not a traceback."""
    try:
        yield
    except DamagedChunk as damage:
        damage.path.unlink(missing_ok=True)
        raise SystemExit(
            f"photo-dedup: damaged cache file {damage}; it was removed: run again to rebuild it"
        ) from damage


class ChunkWriter:
    """Writes records one line each, then the end line when closed without an error."""

    def __init__(self, path: str | Path) -> None:
        self._handle: TextIO = open(path, "w", encoding="utf-8")  # noqa: SIM115 - closed in __exit__
        self._sha = hashlib.sha256()
        self._count = 0

    def write(self, record: Sidecar) -> None:
        line = dumps(record) + "\n"
        self._handle.write(line)
        self._sha.update(line.encode("utf-8"))
        self._count += 1

    def __enter__(self) -> ChunkWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if kind is None:
            self._handle.write(json.dumps({END_KEY: {"records": self._count, "sha256": self._sha.hexdigest()}}) + "\n")
        self._handle.close()


def _end_line(path: Path) -> tuple[dict[str, Any], int] | None:
    """The end line's content and the byte count before it, or None if the file has none."""
    with open(path, "rb") as handle:
        size = handle.seek(0, os.SEEK_END)
        handle.seek(max(0, size - _TAIL_BYTES))
        tail = handle.read()
    if not tail.endswith(b"\n"):
        return None
    last = tail[:-1].rsplit(b"\n", 1)[-1]
    try:
        end = json.loads(last)[END_KEY]
        records, digest = int(end["records"]), str(end["sha256"])
    except (ValueError, KeyError, TypeError):
        return None
    return {"records": records, "sha256": digest}, size - len(last) - 1


def counted_records(path: str | Path) -> int | None:
    """How many records a chunk file's end line counts; None where it has none (cut short)."""
    try:
        found = _end_line(Path(path))
    except OSError:
        return None
    return None if found is None else int(found[0]["records"])


def looks_whole(path: str | Path, expected_records: int) -> bool:
    """Cheap check (the end only): the file ends with an end line that counts `expected_records`."""
    try:
        found = _end_line(Path(path))
    except OSError:
        return False
    return found is not None and found[0]["records"] == expected_records


def read_records(path: str | Path) -> Iterator[Sidecar]:
    """Every record of a chunk file, checked against its end line as it is read.

    Raises:
        DamagedChunk: the file has no end line, or its records do not match it.
    """
    sha = hashlib.sha256()
    count = 0
    with open(path, "rb") as handle:
        for raw in handle:
            try:
                record = json.loads(raw)
            except ValueError as error:
                raise DamagedChunk(path, f"line {count + 1} is not JSON") from error
            if isinstance(record, dict) and END_KEY in record:
                end = record[END_KEY]
                if end.get("records") != count or end.get("sha256") != sha.hexdigest():
                    raise DamagedChunk(path, "its content does not match its end line")
                return
            sha.update(raw)
            count += 1
            yield record
    raise DamagedChunk(path, "cut short (no end line)")


def iter_sidecars(chunk_files: Iterable[str | Path]) -> Iterator[Sidecar]:
    """Stream sidecar records from chunk files, one at a time, each file checked as it is read.

    Raises:
        DamagedChunk: a chunk file does not match its end line (the caller has it rebuilt).
    """
    for chunk in chunk_files:
        yield from read_records(chunk)
