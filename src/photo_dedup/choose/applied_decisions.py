"""Review decisions exported from the contact sheet, keyed by content digest.

Keying by the SHA-256 of the bytes (not by path or group id) makes a decision
survive renames, moves and later scans: "not duplicates" keeps those pictures
apart for good, "not a copy" keeps one photo apart from the others of its group,
"keep all" keeps every one of them, and a chosen keeper wins its group whatever
the rules say. The page's preferred folders ("keep the copies in this folder")
rank first, after a keeper chosen for its own group.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from photo_dedup.cache.atomic import display_text
from photo_dedup.config.decisions_file import DecisionsProblem, load_decisions_file

__all__ = ["Decisions", "DecisionsProblem", "load_decisions"]


@dataclass
class Decisions:
    not_duplicates: list[frozenset[str]] = field(default_factory=list)
    keep_all: list[frozenset[str]] = field(default_factory=list)
    chosen_keepers: frozenset[str] = frozenset()
    chosen_paths: frozenset[str] = frozenset()
    # each "keep" decision: the keeper's digest, its path (if known) and the digests of its group then
    keeps: list[tuple[str, str, frozenset[str]]] = field(default_factory=list)
    # each "not a copy" decision: the photo's digest, and the digests of the others of its group then
    not_a_copy: list[tuple[str, frozenset[str]]] = field(default_factory=list)
    preferred_roots: list[str] = field(default_factory=list)  # the page's "keep the copies in this folder"

    def kept_apart(self) -> frozenset[str]:
        """Every photo a "not duplicates" or "not a copy" decision names (each stands alone when grouped)."""
        named: set[str] = set().union(*self.not_duplicates)
        for photo, others in self.not_a_copy:
            named |= others | {photo}
        return frozenset(named)

    def folder_rank(self, path: str) -> int:
        """How early a preferred folder of the page holds `path` (higher is earlier; 0: none does). A
        folder whose name is not UTF-8 comes from the page with U+FFFD for its bytes."""
        shown = display_text(path)
        for rank, root in enumerate(self.preferred_roots):
            if path.startswith(root.rstrip("/") + "/") or shown.startswith(root.rstrip("/") + "/"):
                return len(self.preferred_roots) - rank
        return 0

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
        for photo, others in self.not_a_copy:
            a_is, b_is = digests_a == photo, digests_b == photo
            out |= (a_is & np.isin(digests_b, list(others))) | (b_is & np.isin(digests_a, list(others)))
        return out


def load_decisions(path: str | Path) -> Decisions:
    """Read a decisions file; raise DecisionsProblem with a clear message if it is malformed."""
    document = load_decisions_file(path)
    decisions = Decisions(preferred_roots=document.preferred_roots)
    chosen: set[str] = set()
    paths: set[str] = set()
    for entry in document.entries:
        members = frozenset(entry.get("members", []))
        if entry["action"] == "not_duplicates":
            decisions.not_duplicates.append(members)
        elif entry["action"] == "not_a_copy":
            decisions.not_a_copy.append((entry["photo"], members - {entry["photo"]}))
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
