"""A picture of why pairs were matched or rejected: distances of candidate pairs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402


def plot_pair_distances(pairs_csv: str, out_png: str, match: Mapping[str, Any]) -> None:
    """Scatter of hash distance against correlation, matched pairs vs rejected ones."""
    pairs = pd.read_csv(pairs_csv)
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for accepted, colour, label in ((False, "#d33", "rejected"), (True, "#2a7", "matched")):
        subset = pairs[pairs["accepted"] == accepted]
        left.scatter(
            subset["phash_distance"],
            subset["correlation"],
            s=14,
            c=colour,
            alpha=0.6,
            label=f"{label} ({len(subset)})",
        )
        right.hist(subset["correlation"], bins=40, range=(0, 1), color=colour, alpha=0.6, label=label)
    min_corr = float(match.get("min_correlation", 0.95))
    left.axhline(min_corr, color="#555", linestyle="--", linewidth=1)
    left.axvline(float(match.get("max_hash_distance", 7)) + 0.5, color="#555", linestyle=":", linewidth=1)
    left.set_xlabel("phash distance (bits of 64)")
    left.set_ylabel("correlation of normalised 32x32 pictures")
    left.set_title("candidate pairs")
    left.legend(loc="lower left")
    right.axvline(min_corr, color="#555", linestyle="--", linewidth=1)
    right.set_xlabel("correlation")
    right.set_ylabel("pairs")
    right.set_title(f"threshold {min_corr}")
    right.legend(loc="upper left")
    figure.tight_layout()
    figure.savefig(out_png, dpi=90)
    plt.close(figure)
