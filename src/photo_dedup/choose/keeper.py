"""Choose the best copy of a group by an ordered, configurable list of rules.

Each rule maps a photo to a score (higher is better). Photos are compared rule
by rule; the first rule on which the winner beats the runner-up is its reason.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import numpy as np

from photo_dedup.apple_photos.catalog import curation_count, describe_curation
from photo_dedup.cache.atomic import display_text
from photo_dedup.cache.sidecar_record import is_stale
from photo_dedup.config.settings import default
from photo_dedup.fingerprint.formats import (
    CAMERA_FORMATS,
    LOSSLESS_FORMATS,
    LOSSY_FORMATS,
    PHOTO_EXTENSIONS,
    format_rank,
)
from photo_dedup.fingerprint.jpeg_grid import was_jpeg
from photo_dedup.shapes import Photo

Photo = Photo

# Names that editors and copy tools give derived files: "IMG_1 (1).jpg", "x-edited", "x copy", and
# the iPhone's own edit of IMG_4120.JPG, IMG_E4120.JPG.
DERIVED_NAME = re.compile(
    r"(\(\d+\)|[ _-](edited|copy|kopie|bearbeitet|modifi[eé]|export(ed)?)\b|[ _-]\d{1,2}$|^IMG_E\d{4}$)",
    re.IGNORECASE,
)

YOUR_CHOICE = "your choice"
MAX_REDUCED_LEVELS = 16  # a 4-bit grey or 16-colour palette: fewer levels than any camera writes
DEFAULT_RULES = tuple(default("keeper", "rules"))


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
    """Compared unrounded: a rounded value would tie two copies that differ (the reason shows 2 decimals)."""
    return int(photo["size"]) / max(1, _pixels(photo))


def _jpeg_quality(photo: Photo) -> int:
    value = number(photo.get("jpeg_quality"))
    return 0 if value is None else int(value)


def _quality(photo: Photo) -> tuple[int, float]:
    """Estimated JPEG quality first (0 for other formats), then bytes per pixel."""
    return (_jpeg_quality(photo), _bytes_per_pixel(photo))


def _explain_quality(winner: Photo, runner_up: Photo) -> str:
    if _jpeg_quality(winner) != _jpeg_quality(runner_up):
        return f"higher JPEG quality ({_jpeg_quality(winner)} vs {_jpeg_quality(runner_up)})"
    won, lost = _bytes_per_pixel(winner), _bytes_per_pixel(runner_up)
    # as many places as show them apart (never "0.16 vs 0.16"), from 2 to 6
    places = next((n for n in range(2, 7) if f"{won:.{n}f}" != f"{lost:.{n}f}"), 6)
    return f"more bytes per pixel ({won:.{places}f} vs {lost:.{places}f})"


def present(value: Any) -> bool:
    """A fact that is there: a non-empty text or true (not None, not a table's NaN)."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    return isinstance(value, str) and value != ""


def _has_camera(photo: Photo) -> bool:
    return present(photo.get("make")) or present(photo.get("model"))


def mark_conversions(photos: Sequence[Photo]) -> None:
    """Set each photo's `conversion`: why it is evidently made from another member, or "".

    Re-encoding never adds information, so a file made from another member is never kept over it,
    whatever its format or JPEG quality (the format and quality rules rank it below every member
    not so marked). The evidence a file carries:
    - no camera EXIF, while a member has it (a PNG or HEIC saved from the camera's JPEG, or a
      copy whose metadata an app or a service stripped, in any format);
    - a file in a format no camera writes (PNG, WebP, AVIF, GIF, BMP, JPEG XL), EXIF and all, while a
      member is the camera's own (JPEG, HEIC, TIFF, RAW) with camera EXIF;
    - a lossless photo (PNG, TIFF, BMP) whose pixels show JPEG's 8x8 block grid, while a
      member is a JPEG (a lossless re-encoding of a lossy photo);
    - a JPEG downloaded from Google Photos (a Takeout JSON beside it), while a member outside
      Takeout carries camera EXIF (the camera's file): Google re-encodes the JPEGs it serves
      (a HEIC or RAW it keeps as it was uploaded, byte for byte).
    - a photo of few tone levels (a 4-bit grey, a 16-colour palette) while a member has many more
      (quantising never adds levels);
    - a CMYK JPEG beside a member in RGB or grey (made for print: no camera writes one); its EXIF,
      copied from the photo it was made from, makes no other member a conversion;
    - a HEIC whose embedded thumbnail shows another picture than its main image (the verify stage
      measured it), beside a member without one: an editor saved it in part, or it is damaged.
    Camera RAWs are never conversions. Pixel evidence that needs the full pictures (the quantisation
    a JPEG leaves in what is made from it) is read later, in jpeg_ancestry.
    """
    printed = _cmyk_beside_others(photos)
    with_camera = any(_has_camera(photo) and id(photo) not in printed for photo in photos)
    camera_file = next(
        (p["format"] for p in photos if _has_camera(p) and p["format"] in CAMERA_FORMATS and id(p) not in printed),
        None,
    )
    has_jpeg = any(photo["format"] == "JPEG" for photo in photos)
    camera_outside_takeout = any(not _downloaded(photo) and _has_camera(photo) for photo in photos)
    most_levels = max(_tone_levels(photo) for photo in photos)
    a_thumbnail_its_own = not all(is_stale(photo) for photo in photos)
    for photo in photos:
        reason = ""
        if id(photo) in printed:
            reason = "a CMYK JPEG (made for print: no camera writes one) beside one in RGB"
        elif is_stale(photo) and a_thumbnail_its_own:
            reason = "its embedded thumbnail shows another picture (edited and saved in part, or damaged)"
        elif photo["format"] != "RAW":
            if with_camera and not _has_camera(photo):
                reason = "no camera EXIF, while a copy has it"
            elif camera_file and photo["format"] not in CAMERA_FORMATS:
                reason = (
                    f"a {photo['format']}, which no camera writes, beside the camera's {camera_file} (its EXIF copied)"
                )
            elif has_jpeg and photo["format"] in LOSSLESS_FORMATS and was_jpeg(number(photo.get("jpeg_grid"))):
                reason = "its pixels show JPEG's 8x8 block grid"
            elif camera_outside_takeout and _downloaded(photo) and photo["format"] == "JPEG":
                reason = "a Google Photos download (Takeout), re-encoded by Google, beside the camera's file"
            elif _tone_levels(photo) <= MAX_REDUCED_LEVELS and most_levels >= 4 * _tone_levels(photo):
                reason = f"only {_tone_levels(photo)} tone levels, while a copy has {most_levels}"
        photo["conversion"] = reason


def colour_mode(path: str) -> str | None:
    """The file's colour mode from its header ("RGB", "CMYK", ...), None when unreadable."""
    from PIL import Image  # the gather step only: the report steps import this module too

    try:
        with Image.open(path) as im:
            return str(im.mode)
    except (OSError, ValueError):
        return None


def embedded_video(photo: Photo) -> int:
    """The bytes of the video inside a photo's file (a motion photo), 0 for none or unknown."""
    return int(number(photo.get("embedded_video")) or 0)


def _cmyk_beside_others(photos: Sequence[Photo]) -> set[int]:
    """The ids of the CMYK JPEGs with camera EXIF among `photos`, where a member is in RGB or grey.
    Only JPEGs with camera EXIF are opened first (a header read): no other's EXIF makes a member a
    conversion."""
    cmyk = {id(p) for p in photos if p["format"] == "JPEG" and _has_camera(p) and colour_mode(p["path"]) == "CMYK"}
    if not cmyk:
        return cmyk
    in_rgb = any(id(p) not in cmyk and (p["format"] != "JPEG" or colour_mode(p["path"]) != "CMYK") for p in photos)
    return cmyk if in_rgb else set()


def _tone_levels(photo: Photo) -> int:
    """Grey levels or palette colours (256 for a full-colour photo, and where not recorded)."""
    value = number(photo.get("tone_levels"))
    return 256 if value is None else int(value)


def _downloaded(photo: Photo) -> bool:
    return present(photo.get("google_takeout"))


def number(value: Any) -> float | None:
    """A number (Python's or numpy's), or None for anything else and NaN."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and not math.isnan(value):
        return float(value)
    return None


def format_score(photo: Photo) -> float:
    """The format's rank; a newer lossy format never above JPEG, unless it is a HEIC with camera
    EXIF (phones write HEIC; no camera writes AVIF, WebP or JPEG XL, whose EXIF, if any, was copied
    from the photo they were made from): as a re-encode of a JPEG it ranks with the JPEG. A file of
    the same pixels as another that holds more (pixel_twins) ranks just below that one."""
    if photo.get("conversion"):
        return -1
    twin_rank = number(photo.get("twin_rank"))
    if twin_rank is not None:
        return twin_rank
    rank = format_rank(photo["format"])
    if photo["format"] in LOSSY_FORMATS and not (photo["format"] == "HEIF" and _has_camera(photo)):
        rank = min(rank, format_rank("JPEG"))
    return rank


def _explain_format(winner: Photo, runner_up: Photo) -> str:
    if runner_up.get("twin_of") and not winner.get("twin_of"):
        return str(runner_up["twin_of"])
    if runner_up.get("conversion") and not winner.get("conversion"):
        return f"original {winner['format']} over a {runner_up['format']} made from it ({runner_up['conversion']})"
    return f"more original format ({winner['format']} vs {runner_up['format']})"


def _asset(photo: Photo) -> dict[str, Any] | None:
    asset = photo.get("apple")
    return asset if isinstance(asset, dict) else None


def _curation(photo: Photo) -> tuple[int, int, int, int]:
    """An Apple Photos asset first (Photos keeps it), then the user's edits, favourite and curation."""
    asset = _asset(photo)
    if asset is None:
        return (0, 0, 0, 0)
    return (1, int(asset["edited"]), int(asset["favorite"]), curation_count(asset))


def _explain_curation(winner: Photo, runner_up: Photo) -> str:
    asset = _asset(winner)
    if asset is None:  # cannot win this rule without being an asset
        return "curation"
    if _asset(runner_up) is None:
        return "in Apple Photos (Photos keeps its own copy)"
    return f"your work on it in Apple Photos ({describe_curation(asset) or 'an asset'})"


def _metadata(photo: Photo) -> int:
    return sum(present(photo.get(field)) for field in ("taken", "has_gps", "make", "model"))


def _original(photo: Photo) -> int:
    """0 for a name like an edited or copied file's, or one no photo app shows as a photo (no
    extension, or not a photo's: a byte twin named `mongolia` had been kept over `japanese-shop.jpg`
    on the shortest path); 1 otherwise."""
    name = PurePosixPath(photo["path"])
    return 0 if DERIVED_NAME.search(name.stem) or name.suffix.lower() not in PHOTO_EXTENSIONS else 1


def _explain_original(winner: Photo, runner_up: Photo) -> str:
    if PurePosixPath(runner_up["path"]).suffix.lower() not in PHOTO_EXTENSIONS:
        return "named as a photo (the other has no photo's extension)"
    return "not named like an edited or copied file"


def build_rules(preferred_roots: Sequence[str]) -> dict[str, Rule]:
    return {
        "curation": Rule("curation", _curation, _explain_curation),
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
        "format": Rule("format", format_score, _explain_format),
        "quality": Rule("quality", _quality, _explain_quality),
        "edits": Rule("edits", lambda p: int(present(p.get("edits"))), lambda w, r: f"has edits ({w['edits']})"),
        "metadata": Rule(
            "metadata",
            _metadata,
            lambda w, r: "richer metadata (capture time, GPS, camera)",
        ),
        "original": Rule(
            "original",
            _original,
            _explain_original,
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
        chosen_paths: frozenset[str] = frozenset(),
    ):
        available = build_rules(preferred_roots)
        unknown = [name for name in rule_names if name not in available and name != "path"]
        if unknown:
            known = ", ".join([*available, "path"])
            raise ValueError(f"unknown keeper rule(s): {', '.join(unknown)}; known: {known}")
        self.rules = [available[name] for name in rule_names if name != "path"]
        if chosen_digests or chosen_paths:
            # the very file chosen first (byte-identical copies share a digest), then its content; the
            # page can only show and save a name that is not UTF-8 with U+FFFD for its bytes
            def chosen_rank(photo: Photo) -> int:
                path, chosen_content = str(photo.get("path")), photo.get("digest") in chosen_digests
                # by its shown name only with the chosen content: two such names may show alike
                if path in chosen_paths or (chosen_content and display_text(path) in chosen_paths):
                    return 2
                return int(chosen_content)

            chosen = Rule("chosen", chosen_rank, lambda w, r: YOUR_CHOICE)
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
                return YOUR_CHOICE if rule.name == "chosen" else prefix + rule.explain(winner, runner_up)
        return prefix + "shortest path (tie-break)"
