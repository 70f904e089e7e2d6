"""The decisions file the contact sheet exports, read and checked (standard library only).

The file is checked while Snakemake reads the workflow, before any step runs, so this
module stays light: no numpy or pandas.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ACTIONS = ("not_duplicates", "keep_all", "keep")


class DecisionsProblem(ValueError):
    """The decisions file cannot be understood; the message says where."""


def load_decisions_document(path: str | Path) -> list[dict[str, Any]]:
    """The decisions in a decisions file, checked entry by entry.

    Raises:
        DecisionsProblem: one line naming the file and what is wrong with it.
    """
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise DecisionsProblem(f"{path}: cannot be read ({error})") from error
    except ValueError as error:
        raise DecisionsProblem(f"{path}: not valid JSON ({error})") from error
    if not isinstance(document, dict) or not isinstance(document.get("decisions"), list):
        raise DecisionsProblem(f'{path}: not a photo-dedup decisions file (expected {{"decisions": [...]}})')
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
    return entries
