"""Review decisions exported from the contact sheet, keyed by content digest.

Keying by the SHA-256 of the bytes (not by path or group id) makes a decision
survive renames, moves and later scans: "not duplicates" keeps those pictures
apart for good, "keep all" keeps every one of them, and a chosen keeper wins
its group whatever the rules say.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from photo_dedup.decisions_file import DecisionsProblem, load_decisions_document

__all__ = ["Decisions", "DecisionsProblem", "load_decisions"]


@dataclass
class Decisions:
    not_duplicates: list[frozenset[str]] = field(default_factory=list)
    keep_all: list[frozenset[str]] = field(default_factory=list)
    chosen_keepers: frozenset[str] = frozenset()
    chosen_paths: frozenset[str] = frozenset()
    # each "keep" decision: the keeper's digest, its path (if known) and the digests of its group then
    keeps: list[tuple[str, str, frozenset[str]]] = field(default_factory=list)

    def chosen_in(self, digests: set[str]) -> tuple[str, str] | None:
        """The keeper (digest, path) the user chose for a group of exactly these photos, if any."""
        for keeper, path, members in self.keeps:
            if keeper in digests and digests <= members:
                return keeper, path
        return None

    def rejected(self, digests_a: np.ndarray, digests_b: np.ndarray) -> np.ndarray:
        """For each pair, whether the user said its two photos are not duplicates."""
        out = np.zeros(len(digests_a), dtype=bool)
        for apart in self.not_duplicates:
            out |= np.isin(digests_a, list(apart)) & np.isin(digests_b, list(apart))
        return out


def load_decisions(path: str | Path) -> Decisions:
    """Read a decisions file; raise DecisionsProblem with a clear message if it is malformed."""
    decisions = Decisions()
    chosen: set[str] = set()
    paths: set[str] = set()
    for entry in load_decisions_document(path):
        members = frozenset(entry.get("members", []))
        if entry["action"] == "not_duplicates":
            decisions.not_duplicates.append(members)
        elif entry["action"] == "keep_all":
            decisions.keep_all.append(members)
        else:
            chosen.add(entry["keeper"])
            keeper_path = str(entry["keeper_path"]) if isinstance(entry.get("keeper_path"), str) else ""
            if keeper_path:
                paths.add(keeper_path)
            decisions.keeps.append((str(entry["keeper"]), keeper_path, members))
    decisions.chosen_keepers = frozenset(chosen)
    decisions.chosen_paths = frozenset(paths)
    return decisions
