"""A picture of why pairs were matched or rejected: the measurements of every candidate pair."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from photo_dedup.verify import MatchThresholds  # noqa: E402


def distance_plot(pairs_csv: str, out_png: str, match: Mapping[str, Any]) -> None:
    """Structure against alignment, and against colour shift, for matched and rejected pairs."""
    thresholds = MatchThresholds(**match)
    pairs = pd.read_csv(pairs_csv)
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.4))
    for accepted, colour, label in ((False, "#d33", "rejected"), (True, "#2a7", "matched")):
        subset = pairs[pairs["accepted"] == accepted]
        name = f"{label} ({len(subset)})"
        left.scatter(subset["alignment"].clip(-1, 1.5), subset["structure"], s=14, c=colour, alpha=0.6, label=name)
        right.scatter(subset["colour_shift"], subset["structure"], s=14, c=colour, alpha=0.6, label=name)
    for axis in (left, right):
        axis.axhline(thresholds.min_structure, color="#555", linestyle="--", linewidth=1)
        axis.set_ylabel("structure: gradient correlation at 64x64")
        axis.legend(loc="lower right")
    left.axvline(thresholds.min_alignment, color="#555", linestyle=":", linewidth=1)
    left.set_xlabel("alignment (about 1 for copies, low for shifted frames)")
    left.set_title("copies: top right; burst neighbours and crops fall left or below")
    right.axvline(thresholds.max_colour_shift, color="#555", linestyle=":", linewidth=1)
    right.set_xlabel("colour shift (chromaticity, 4x4 grid)")
    right.set_title("colour edits lie right of the dotted line")
    figure.tight_layout()
    figure.savefig(out_png, dpi=90)
    plt.close(figure)
