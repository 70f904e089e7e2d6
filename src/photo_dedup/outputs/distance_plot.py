"""A picture of why pairs were matched or rejected: the measurements of every candidate pair.

Drawn with Pillow, which the fingerprinting loads anyway: matplotlib and pandas cost this step
about 2 s of imports (more than the drawing) on every run.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from photo_dedup.config.settings import default

WIDTH, HEIGHT = 990, 396
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 62, 14, 30, 44
FONT = ImageFont.load_default(size=11)
COLOURS = {False: (221, 51, 51), True: (34, 170, 119)}  # rejected, matched
LINE = (85, 85, 85)


@dataclass(frozen=True)
class Pair:
    """The measurements of one candidate pair that the plot shows."""

    structure: float
    alignment: float
    colour_residual: float  # the chromaticity shift left once an affine colour map is taken out
    accepted: bool


@dataclass(frozen=True)
class Panel:
    """One scatter plot: where it lies on the picture, and the ranges of its axes."""

    left: int
    right: int
    x_range: tuple[float, float]
    y_range: tuple[float, float]

    def point(self, x: float, y: float) -> tuple[float, float]:
        (x0, x1), (y0, y1) = self.x_range, self.y_range
        px = self.left + (x - x0) / (x1 - x0) * (self.right - self.left)
        py = HEIGHT - MARGIN_BOTTOM - (y - y0) / (y1 - y0) * (HEIGHT - MARGIN_BOTTOM - MARGIN_TOP)
        return px, py


def read_pairs(pairs_csv: str) -> list[Pair]:
    """The plotted columns of the gather step's pairs.csv; a value empty or not a number is NaN
    (the pair is counted, and drawn only where both of a panel's values are numbers)."""
    with open(pairs_csv, encoding="utf-8", newline="") as handle:
        return [
            Pair(
                _number(row.get("structure")),
                _number(row.get("alignment")),
                _number(row.get("levels_residual")),  # what verify compares to max_colour_shift
                (row.get("accepted") or "").strip().lower() == "true",
            )
            for row in csv.DictReader(handle)
        ]


def _number(text: str | None) -> float:
    try:
        return float(text or "nan")
    except ValueError:
        return math.nan


def distance_plot(pairs_csv: str, out_png: str, match: Mapping[str, Any]) -> None:
    """Structure against alignment, and against the colour shift left after the colour map (what the
    decision compares to `max_colour_shift`), for matched and rejected pairs."""
    min_structure = float(match.get("min_structure", default("match", "min_structure")))
    min_alignment = float(match.get("min_alignment", default("match", "min_alignment")))
    max_colour_shift = float(match.get("max_colour_shift", default("match", "max_colour_shift")))
    pairs = read_pairs(pairs_csv)
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image, "RGBA")
    half = WIDTH // 2
    y_range = _range([p.structure for p in pairs] + [min_structure])
    alignments = [min(1.5, max(-1.0, p.alignment)) for p in pairs if not math.isnan(p.alignment)]
    left = Panel(MARGIN_LEFT, half - MARGIN_RIGHT, _range([*alignments, min_alignment]), y_range)
    right = Panel(half + MARGIN_LEFT, WIDTH - MARGIN_RIGHT, _range([p.colour_residual for p in pairs] + [0.0]), y_range)
    for pair in sorted(pairs, key=lambda p: p.accepted):  # the matched on top
        for panel, x in ((left, min(1.5, max(-1.0, pair.alignment))), (right, pair.colour_residual)):
            if math.isnan(x) or math.isnan(pair.structure):
                continue
            px, py = panel.point(x, pair.structure)
            draw.ellipse((px - 3, py - 3, px + 3, py + 3), fill=(*COLOURS[pair.accepted], 150))
    for panel in (left, right):
        _axes(draw, panel)
        _dashed(draw, [panel.point(panel.x_range[0], min_structure), panel.point(panel.x_range[1], min_structure)], 6)
        _legend(draw, panel, pairs)
    _dashed(draw, [left.point(min_alignment, y_range[0]), left.point(min_alignment, y_range[1])], 2)
    _dashed(draw, [right.point(max_colour_shift, y_range[0]), right.point(max_colour_shift, y_range[1])], 2)
    _titles(draw, left, "copies: top right; burst neighbours and crops fall left or below")
    _titles(draw, right, "colour edits lie right of the dotted line")
    _x_label(draw, left, "alignment (about 1 for copies, low for shifted frames)")
    _x_label(draw, right, "colour shift left after the colour map (4x4 grid)")
    for panel in (left, right):
        _y_label(image, panel, "structure: gradient correlation at 64x64")
    image.save(out_png, "PNG")


def _range(values: Sequence[float]) -> tuple[float, float]:
    """The values' span with a margin (NaN left out)."""
    numbers = [value for value in values if not math.isnan(value)]
    low, high = min(numbers), max(numbers)
    pad = (high - low) * 0.05 or 0.05
    return low - pad, high + pad


def _ticks(low: float, high: float) -> list[float]:
    """About five round values between `low` and `high`."""
    raw = (high - low) / 5
    step = min((s * 10.0**e for e in range(-4, 4) for s in (1, 2, 5) if s * 10.0**e >= raw), default=raw)
    first = int(low / step) * step
    return [first + i * step for i in range(12) if low <= first + i * step <= high]


def _axes(draw: ImageDraw.ImageDraw, panel: Panel) -> None:
    bottom = HEIGHT - MARGIN_BOTTOM
    draw.rectangle((panel.left, MARGIN_TOP, panel.right, bottom), outline=(0, 0, 0))
    for x in _ticks(*panel.x_range):
        px, _ = panel.point(x, 0.0)
        draw.line((px, bottom, px, bottom + 4), fill=(0, 0, 0))
        draw.text((px, bottom + 6), f"{x:g}", fill=(0, 0, 0), font=FONT, anchor="mt")
    for y in _ticks(*panel.y_range):
        _, py = panel.point(0.0, y)
        draw.line((panel.left - 4, py, panel.left, py), fill=(0, 0, 0))
        draw.text((panel.left - 6, py), f"{y:g}", fill=(0, 0, 0), font=FONT, anchor="rm")


def _dashed(draw: ImageDraw.ImageDraw, ends: list[tuple[float, float]], dash: int) -> None:
    (x0, y0), (x1, y1) = ends
    length = max(abs(x1 - x0), abs(y1 - y0))
    for start in range(0, int(length), 2 * dash):
        a, b = start / length, min(1.0, (start + dash) / length)
        draw.line((x0 + a * (x1 - x0), y0 + a * (y1 - y0), x0 + b * (x1 - x0), y0 + b * (y1 - y0)), fill=LINE)


def _legend(draw: ImageDraw.ImageDraw, panel: Panel, pairs: list[Pair]) -> None:
    bottom = HEIGHT - MARGIN_BOTTOM
    for row, (accepted, label) in enumerate(((False, "rejected"), (True, "matched"))):
        count = sum(p.accepted == accepted for p in pairs)
        y = bottom - 30 - 16 * (1 - row)
        x = panel.right - 110
        draw.ellipse((x, y - 4, x + 8, y + 4), fill=COLOURS[accepted])
        draw.text((x + 14, y), f"{label} ({count})", fill=(0, 0, 0), font=FONT, anchor="lm")


def _titles(draw: ImageDraw.ImageDraw, panel: Panel, text: str) -> None:
    draw.text(((panel.left + panel.right) / 2, MARGIN_TOP - 8), text, fill=(0, 0, 0), font=FONT, anchor="mb")


def _x_label(draw: ImageDraw.ImageDraw, panel: Panel, text: str) -> None:
    centre = (panel.left + panel.right) / 2
    draw.text((centre, HEIGHT - 4), text, fill=(0, 0, 0), font=FONT, anchor="mb")


def _y_label(image: Image.Image, panel: Panel, text: str) -> None:
    label = Image.new("RGB", (HEIGHT - MARGIN_TOP - MARGIN_BOTTOM, 14), "white")
    ImageDraw.Draw(label).text((label.width / 2, 7), text, fill=(0, 0, 0), font=FONT, anchor="mm")
    image.paste(label.rotate(90, expand=True), (panel.left - 58, MARGIN_TOP))
