"""Choose the best copy of a group by an ordered, configurable list of rules.

Each rule maps a photo to a score (higher is better). Photos are compared rule
by rule; the first rule on which the winner beats the runner-up is its reason.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from photo_dedup.formats import format_rank

Photo = dict[str, Any]

# Names that editors and copy tools give derived files: "IMG_1 (1).jpg", "x-edited", "x copy".
DERIVED_NAME = re.compile(
    r"(\(\d+\)|[ _-](edited|copy|kopie|bearbeitet|modifi[eé]|export(ed)?)\b|[ _-]\d{1,2}$)",
    re.IGNORECASE,
)

DEFAULT_RULES = ("preferred_root", "pixels", "format", "quality", "metadata", "original")


@dataclass(frozen=True)
class Rule:
    name: str
    score: Callable[[Photo], Any]
    explain: Callable[[Photo, Photo], str]


def _root_rank(preferred_roots: Sequence[str]) -> Callable[[Photo], int]:
    prefixes = [root.rstrip("/") + "/" for root in preferred_roots]

    def score(photo: Photo) -> int:
        for index, prefix in enumerate(prefixes):
            if photo["path"].startswith(prefix):
                return len(prefixes) - index
        return 0

    return score


def _pixels(photo: Photo) -> int:
    return int(photo["width"]) * int(photo["height"])


def _bytes_per_pixel(photo: Photo) -> float:
    return round(int(photo["size"]) / max(1, _pixels(photo)), 3)


def _jpeg_quality(photo: Photo) -> int:
    value = photo.get("jpeg_quality")
    if isinstance(value, (int, float)) and not math.isnan(value):
        return int(value)
    return 0


def _quality(photo: Photo) -> tuple[int, float]:
    """Estimated JPEG quality first (0 for other formats), then bytes per pixel."""
    return (_jpeg_quality(photo), _bytes_per_pixel(photo))


def _explain_quality(winner: Photo, runner_up: Photo) -> str:
    if _jpeg_quality(winner) != _jpeg_quality(runner_up):
        return f"higher JPEG quality ({_jpeg_quality(winner)} vs {_jpeg_quality(runner_up)})"
    return f"more bytes per pixel ({_bytes_per_pixel(winner):.2f} vs {_bytes_per_pixel(runner_up):.2f})"


def _metadata(photo: Photo) -> int:
    return sum(bool(photo.get(field)) for field in ("taken", "has_gps", "make", "model"))


def _original(photo: Photo) -> int:
    return 0 if DERIVED_NAME.search(PurePosixPath(photo["path"]).stem) else 1


def build_rules(preferred_roots: Sequence[str]) -> dict[str, Rule]:
    return {
        "preferred_root": Rule(
            "preferred_root",
            _root_rank(preferred_roots),
            lambda w, r: "in a preferred folder",
        ),
        "pixels": Rule(
            "pixels",
            _pixels,
            lambda w, r: f"more pixels ({w['width']}x{w['height']} vs {r['width']}x{r['height']})",
        ),
        "format": Rule(
            "format",
            lambda p: format_rank(p["format"]),
            lambda w, r: f"more original format ({w['format']} vs {r['format']})",
        ),
        "quality": Rule(
            "quality",
            _bytes_per_pixel,
            lambda w, r: f"higher quality ({_bytes_per_pixel(w):.2f} vs {_bytes_per_pixel(r):.2f} bytes per pixel)",
        ),
        "metadata": Rule(
            "metadata",
            _metadata,
            lambda w, r: "richer metadata (capture time, GPS, camera)",
        ),
        "original": Rule(
            "original",
            _original,
            lambda w, r: "not named like an edited or copied file",
        ),
    }


def _negated(score: Any) -> Any:
    return tuple(-part for part in score) if isinstance(score, tuple) else -score


class KeeperRanking:
    """Orders photos best first and explains why the best one won.

    The rules run in the configured order; the shortest path, then the first
    path in sort order, always breaks the last tie so the choice is stable.
    """

    def __init__(
        self,
        rule_names: Sequence[str] = DEFAULT_RULES,
        preferred_roots: Sequence[str] = (),
        chosen_digests: frozenset[str] = frozenset(),
    ):
        available = build_rules(preferred_roots)
        unknown = [name for name in rule_names if name not in available and name != "path"]
        if unknown:
            known = ", ".join([*available, "path"])
            raise ValueError(f"unknown keeper rule(s): {', '.join(unknown)}; known: {known}")
        self.rules = [available[name] for name in rule_names if name != "path"]
        if chosen_digests:
            chosen = Rule(
                "chosen",
                lambda photo: float(photo.get("digest") in chosen_digests),
                lambda w, r: "chosen by you in the contact sheet",
            )
            self.rules.insert(0, chosen)

    def key(self, photo: Photo) -> tuple[Any, ...]:
        """Sort key, smallest first = best first."""
        return (*(_negated(rule.score(photo)) for rule in self.rules), len(photo["path"]), photo["path"])

    def best_first(self, photos: Sequence[Photo]) -> list[Photo]:
        return sorted(photos, key=self.key)

    def reason(self, winner: Photo, runner_up: Photo) -> str:
        """The first rule on which `winner` beats `runner_up`, in words."""
        prefix = "identical copies; " if winner.get("digest") == runner_up.get("digest") else ""
        for rule in self.rules:
            if rule.score(winner) != rule.score(runner_up):
                return prefix + rule.explain(winner, runner_up)
        return prefix + "shortest path (tie-break)"
