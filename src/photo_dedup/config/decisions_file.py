"""The decisions file the contact sheet exports, read and checked (standard library only).

The file is checked while Snakemake reads the workflow, before any step runs, so this
module stays light: no numpy or pandas.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import stat
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Version 1 has the group decisions; version 2 adds "not_a_copy" (one photo out of its group) and
# the page's own preferred folders ("preferred_roots"). Both are read; version 2 is written.
ACTIONS = ("not_duplicates", "keep_all", "keep", "not_a_copy")
VERSIONS = (1, 2)
VERSION = 2


class DecisionsProblem(ValueError):
    """The decisions file cannot be understood; the message says where."""


# A decisions file holds a few hundred bytes a decision: 64 MB is some 200,000 of them. Its JSON is
# nested four deep ({"decisions": [{"members": [...]}]}); Python's parser recurses once a level and
# fails past about a thousand, so deeper files are refused before they are parsed.
MAX_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 32
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")
_INNERMOST = re.compile(r"\[\]|\{\}")


@dataclass
class DecisionsDocument:
    """A decisions file's content: the decisions, and the folders whose copies the page keeps."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    preferred_roots: list[str] = field(default_factory=list)

    def as_json(self) -> str:
        """The file's text, as the workflow reads it (sorted keys, so that it diffs cleanly)."""
        document = {"version": VERSION, "decisions": self.entries, "preferred_roots": self.preferred_roots}
        return json.dumps(document, indent=1, sort_keys=True) + "\n"


def load_decisions_document(path: str | Path) -> list[dict[str, Any]]:
    """The decisions in a decisions file, checked entry by entry.

    Raises:
        DecisionsProblem: one line naming the file and what is wrong with it.
    """
    return load_decisions_file(path).entries


def load_decisions_file(path: str | Path) -> DecisionsDocument:
    """A decisions file (version 1 or 2), checked entry by entry.

    Raises:
        DecisionsProblem: one line naming the file and what is wrong with it.
    """
    try:
        facts = os.stat(path)
        if not stat.S_ISREG(facts.st_mode):
            raise DecisionsProblem(f"{path}: not a regular file")
        size = facts.st_size
        if size > MAX_BYTES:
            raise DecisionsProblem(
                f"{path}: too large for a decisions file ({size / 1e6:.0f} MB; at most {MAX_BYTES // 2**20} MB)"
            )
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise DecisionsProblem(f"{path}: cannot be read ({error.strerror or error})") from error
    except UnicodeDecodeError as error:
        raise DecisionsProblem(f"{path}: cannot be read (not UTF-8 text: byte {error.start + 1})") from error
    if nesting_depth(text) > MAX_DEPTH:
        raise DecisionsProblem(f"{path}: nested more than {MAX_DEPTH} levels deep, not a photo-dedup decisions file")
    try:
        document = json.loads(
            text, object_pairs_hook=_without_repeated_keys, parse_constant=_no_constant, parse_float=_finite
        )
    except RecursionError as error:  # refused above already; kept so that no file can crash the run
        raise DecisionsProblem(f"{path}: nested too deep to read") from error
    except ValueError as error:
        raise DecisionsProblem(f"{path}: not valid JSON ({error})") from error
    if not isinstance(document, dict) or not isinstance(document.get("decisions"), list):
        raise DecisionsProblem(f'{path}: not a photo-dedup decisions file (expected {{"decisions": [...]}})')
    version = document.get("version", 1)
    if version not in VERSIONS or isinstance(version, bool):
        raise DecisionsProblem(
            f"{path}: decisions file version {str(version)[:20]}; this photo-dedup reads versions 1 and 2"
        )
    roots = document.get("preferred_roots", [])
    if not isinstance(roots, list) or not all(isinstance(root, str) and os.path.isabs(root) for root in roots):
        raise DecisionsProblem(f"{path}: preferred_roots must be a list of absolute folder paths")
    entries: list[dict[str, Any]] = document["decisions"]
    for number, entry in enumerate(entries, 1):
        action = entry.get("action") if isinstance(entry, dict) else None
        if action not in ACTIONS:
            raise DecisionsProblem(f"{path}: decision {number} has an unknown action {action!r}")
        members = entry.get("members", [])
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            raise DecisionsProblem(f"{path}: decision {number}: members must be a list of photo digests")
        if action == "keep" and not isinstance(entry.get("keeper"), str):
            raise DecisionsProblem(f"{path}: decision {number}: a keep decision needs the keeper's digest")
        if action == "not_a_copy" and not (isinstance(entry.get("photo"), str) and entry["photo"] in members):
            raise DecisionsProblem(f"{path}: decision {number}: a not_a_copy decision needs the photo, one of members")
    return DecisionsDocument(entries, roots)


def nesting_depth(text: str) -> int:
    """How deep the arrays and objects of a JSON text nest, up to MAX_DEPTH + 1 (brackets inside
    strings do not count; where they do not pair up, how deep they pair); no recursion."""
    brackets = _NOT_A_BRACKET.sub("", _STRING.sub("", text))
    for depth in range(MAX_DEPTH + 1):
        inner = _INNERMOST.sub("", brackets)
        if inner == brackets:  # none left, or unbalanced: the parser names the mistake
            return depth
        brackets = inner
    return MAX_DEPTH + 1


def _without_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object, refused where a key repeats (JSON would keep the last silently: which decision?)."""
    document = dict(pairs)
    if len(document) < len(pairs):
        counts = Counter(key for key, _ in pairs)
        repeated = next(key for key, _ in pairs if counts[key] > 1)
        raise ValueError(f"the key {repeated[:40]!r} appears twice in one object")
    return document


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:40]} is too large")
    return value


NO_DECISIONS = "none"


def decisions_digest(path: Path | None) -> str:
    """What a decisions file holds, as a SHA-256 of its bytes ("none" where there is none): the page
    sends the one it was made from, and the review server saves only over that same file, so a page
    that never saw decisions saved from another window cannot wipe them."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() if path is not None else NO_DECISIONS
    except FileNotFoundError:
        return NO_DECISIONS
