"""The SHA-256 of a file's bytes: how photos and their companions are identified (a leaf module)."""

from __future__ import annotations

import hashlib


def file_digest(path: str) -> str:
    """SHA-256 of the file's bytes (the deletion script re-checks it with sha256sum)."""
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            sha.update(block)
    return sha.hexdigest()
