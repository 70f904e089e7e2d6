"""Files that belong together: a RAW and the camera's JPEG of one shot, a Live Photo and its video.

- RAW+JPEG: when the kept photo and a duplicate are the RAW and the JPEG (or HEIC) of one shot
  (same folder, same name), the `raw_jpeg_pairs` policy decides: `keep_both` (the default) keeps
  both files; `treat_as_copies` lets the usual keeper rules remove one of them.
- Live Photos: a duplicate's video companion (IMG_1.HEIC + IMG_1.MOV) goes into the quarantine with
  it, unless another photo that stays uses the same video.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping

import pandas as pd

from photo_dedup.fingerprint import file_digest
from photo_dedup.formats import is_raw
from photo_dedup.tables import group_keepers

PAIR_POLICIES = ("keep_both", "treat_as_copies")
_CAMERA_JPEG_FORMATS = frozenset({"JPEG", "HEIF", "AVIF"})


def _shot(path: str) -> tuple[str, str]:
    folder, name = os.path.split(path)
    return folder, os.path.splitext(name)[0].lower()


def keep_raw_jpeg_pairs(rows: pd.DataFrame, policy: str) -> pd.DataFrame:
    """Mark as kept the RAW or JPEG that forms one shot with its group's keeper (policy keep_both)."""
    if policy not in PAIR_POLICIES:
        raise ValueError(f"raw_jpeg_pairs must be one of {', '.join(PAIR_POLICIES)}, not {policy!r}")
    if policy != "keep_both" or rows.empty:
        return rows
    rows = rows.copy()
    keepers = group_keepers(rows)
    for index, row in rows[~rows["keep"]].iterrows():
        keeper = keepers.loc[row["group_id"]]
        if _shot(row["path"]) != _shot(keeper["path"]):
            continue
        formats = {row["format"], keeper["format"]}
        if "RAW" in formats and formats & _CAMERA_JPEG_FORMATS and is_raw(row["path"]) != is_raw(keeper["path"]):
            rows.at[index, "keep"] = True
            rows.at[index, "reason"] = "kept: RAW and JPEG of one shot with the kept photo (raw_jpeg_pairs: keep_both)"
    return rows


def attach_companions(rows: pd.DataFrame, companions: Mapping[str, str]) -> pd.DataFrame:
    """Add each removed photo's video companion (path, bytes, SHA-256), if no staying photo shares it."""
    rows = rows.copy()
    rows["companion"] = ""
    rows["companion_bytes"] = 0
    rows["companion_digest"] = ""
    if rows.empty or not companions:
        return rows
    removed = set(rows.loc[~rows["keep"], "path"])
    users = Counter(companions.values())
    removed_users = Counter(video for photo, video in companions.items() if photo in removed)
    for index, row in rows[~rows["keep"]].iterrows():
        video = companions.get(row["path"])
        if video is None or removed_users[video] != users[video]:
            continue
        try:
            size, digest = os.path.getsize(video), file_digest(video)
        except OSError:
            continue
        rows.at[index, "companion"] = video
        rows.at[index, "companion_bytes"] = size
        rows.at[index, "companion_digest"] = digest
    return rows
