"""The pair-distance plot: every candidate pair drawn where its measurements put it, without matplotlib."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from photo_dedup.outputs.distance_plot import COLOURS, HEIGHT, WIDTH, distance_plot

COLUMNS = ["a", "b", "phash_distance", "structure", "alignment", "colour_shift", "levels_residual", "accepted"]
BEFORE_THE_MAP = 0.5  # every pair's colour shift before the colour map: not what the decision compares


def write_pairs(path: Path, rows: list[tuple[float | str, float | str, float | str, bool]]) -> None:
    """Rows of (structure, alignment, the colour shift left after the map, accepted)."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for number, (structure, alignment, residual, accepted) in enumerate(rows):
            writer.writerow([number, number + 1, 2, structure, alignment, BEFORE_THE_MAP, residual, accepted])


def pixels_of(image: Image.Image, colour: tuple[int, int, int]) -> np.ndarray:
    """(x, y) of the pixels within a few levels of `colour`."""
    array = np.asarray(image.convert("RGB")).astype(int)
    ys, xs = np.nonzero(np.abs(array - colour).sum(axis=2) < 40)
    return np.stack([xs, ys], axis=1)


def test_matched_pairs_are_drawn_top_right_and_rejected_ones_below(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    matched = [(0.99, 1.0, 0.01, True)] * 3
    rejected = [(0.2, 0.1, 0.3, False), (0.3, "", 0.2, False)]  # no alignment: drawn on the right only
    write_pairs(pairs, matched + rejected)
    out = tmp_path / "plot.png"
    distance_plot(str(pairs), str(out), {"min_structure": 0.88, "min_alignment": 0.28, "max_colour_shift": 0.05})
    with Image.open(out) as image:
        assert image.size == (WIDTH, HEIGHT)
        plot = image.copy()
    # legend swatches are drawn in both colours too; look only above the legends (top 60 %)
    green = pixels_of(plot.crop((0, 0, WIDTH, int(HEIGHT * 0.6))), COLOURS[True])
    red = pixels_of(plot, COLOURS[False])
    left_green = green[green[:, 0] < WIDTH // 2]
    assert len(left_green) and left_green[:, 0].min() > WIDTH // 4  # high alignment: right of the panel
    assert green[:, 1].max() < HEIGHT * 0.3  # high structure: near the top
    red_points = red[red[:, 1] > HEIGHT * 0.5]  # low structure
    red_points = red_points[red_points[:, 0] < WIDTH - 120]  # not the legend swatch
    assert len(red_points[red_points[:, 0] < WIDTH // 2]) and len(red_points[red_points[:, 0] > WIDTH // 2])


def test_the_colour_panel_shows_what_the_decision_compares(tmp_path: Path) -> None:
    """verify compares the shift left after the colour map (levels_residual) to max_colour_shift.
    Mutant: the panel drawing colour_shift (the shift before the map, as it did) -> every pair at one
    x, the matched no longer left of the rejected."""
    pairs = tmp_path / "pairs.csv"
    write_pairs(pairs, [(0.7, 1.0, 0.1, True)] * 3 + [(0.7, 1.0, 0.4, False)] * 3)  # 3 deep: opaque
    out = tmp_path / "plot.png"
    distance_plot(str(pairs), str(out), {"min_structure": 0.88, "min_alignment": 0.28, "max_colour_shift": 0.05})
    with Image.open(out) as image:
        plot = image.crop((WIDTH // 2, 0, WIDTH, HEIGHT))
    green, red = pixels_of(plot, COLOURS[True]), pixels_of(plot, COLOURS[False])
    green, red = green[green[:, 1] > HEIGHT * 0.82], red[red[:, 1] > HEIGHT * 0.82]  # below the legend
    assert len(green) and len(red)
    assert green[:, 0].max() < red[:, 0].min()


def test_an_empty_pairs_file_still_gives_a_picture(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    write_pairs(pairs, [])
    distance_plot(str(pairs), str(tmp_path / "plot.png"), {})
    with Image.open(tmp_path / "plot.png") as image:
        assert image.size == (WIDTH, HEIGHT)


def test_the_plot_step_imports_neither_matplotlib_nor_pandas() -> None:
    code = "import sys, photo_dedup.outputs.distance_plot; print(sorted({'matplotlib', 'pandas'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
