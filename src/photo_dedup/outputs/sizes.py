"""Sizes in words, for people (the page, the script, the end-of-run summary); no pandas."""

from __future__ import annotations


def human_bytes(n: int) -> str:
    """A size for people: 1.2 MB (powers of 1000, as file managers show them)."""
    size = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1000 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{n} B"
