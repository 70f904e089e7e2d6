"""Where each member of a group lives, in the few characters a card has for it.

A card shows the part of the folder that tells the group's members apart: the folder relative to
its library root (the root's own name first, so that `Masters/2019` and `Google Takeout/2019` differ),
without the folders every member shares, and cut in the middle when still too long (the start and
the deepest folder tell the most). The full path is the card's tooltip.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

MAX_PLACE = 44  # characters: two lines of a card's caption
ELLIPSIS = "…"


def places(paths: Sequence[str], libraries: Sequence[str], width: int = MAX_PLACE) -> list[str]:
    """For each path of one group, the folder part that tells it apart from the others."""
    folders = [_under_library(os.path.dirname(path), libraries).split("/") for path in paths]
    shared = _shared_start(folders) if len(set(map(tuple, folders))) > 1 else 0
    shown = [("…/" if shared else "") + "/".join(parts[shared:]) for parts in folders]
    return [middle_ellipsis(place, width) for place in shown]


def middle_ellipsis(text: str, width: int = MAX_PLACE) -> str:
    """`text` cut to `width` characters in the middle (more of the end kept: the deepest folder)."""
    if len(text) <= width:
        return text
    head = (width - 1) // 3
    return text[:head] + ELLIPSIS + text[len(text) - (width - 1 - head) :]


def _under_library(folder: str, libraries: Sequence[str]) -> str:
    """The folder relative to the deepest library root holding it, the root's name first."""
    holding = [root.rstrip("/") for root in libraries if (folder + "/").startswith(root.rstrip("/") + "/")]
    if not holding:
        return folder
    root = max(holding, key=len)
    name = os.path.basename(root) or root
    rest = folder[len(root) :].strip("/")
    return f"{name}/{rest}" if rest else name


def _shared_start(folders: list[list[str]]) -> int:
    """How many leading folder names every one of `folders` shares (never all of any one)."""
    shortest = min(len(parts) for parts in folders)
    shared = 0
    while shared < shortest - 1 and all(parts[shared] == folders[0][shared] for parts in folders):
        shared += 1
    return shared
