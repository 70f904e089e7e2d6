"""Files that belong together: a RAW and the camera's JPEG of one shot, a Live Photo and its video.

- RAW+JPEG: when the kept photo and a duplicate are the RAW and the JPEG (or HEIC) of one shot
  (same folder, same name), the `raw_jpeg_pairs` policy decides: `keep_both` (the default) keeps
  both files; `treat_as_copies` lets the usual keeper rules remove one of them.
- Companion files (a Live Photo's video, Takeout JSON, editors' sidecars; see companion_files) go
  into the quarantine with a removed photo, unless a photo that stays uses them too.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from photo_dedup.apple_photos.catalog import under_bundle
from photo_dedup.cache.digests import file_digest
from photo_dedup.fingerprint.formats import is_raw
from photo_dedup.outputs.group_tables import group_keepers

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
    keepers = group_keepers(rows)
    keeper_path = rows["group_id"].map(keepers["path"])
    keeper_format = rows["group_id"].map(keepers["format"])
    pair = [
        not keep
        and _shot(path) == _shot(other)
        and "RAW" in {fmt, other_fmt}
        and bool({fmt, other_fmt} & _CAMERA_JPEG_FORMATS)
        and is_raw(path) != is_raw(other)
        for keep, path, other, fmt, other_fmt in zip(
            rows["keep"], rows["path"], keeper_path, rows["format"], keeper_format, strict=True
        )
    ]
    rows = _kept(rows, pair, "kept: RAW and JPEG of one shot with the kept photo (raw_jpeg_pairs: keep_both)")
    # a camera RAW holds what no rendering of it does: never removed for a copy that is not a RAW
    # (a JPEG rendered from it and upscaled wins on pixels, but is made from it)
    raw = [
        not keep and fmt == "RAW" and other_fmt != "RAW"
        for keep, fmt, other_fmt in zip(rows["keep"], rows["format"], keeper_format, strict=True)
    ]
    return _kept(rows, raw, "kept: a camera RAW, never removed for a file made from it (raw_jpeg_pairs: keep_both)")


def keep_live_photos(rows: pd.DataFrame, companions: Mapping[str, list[list[str]]]) -> pd.DataFrame:
    """Mark as kept a copy whose Live Photo video lies beside it (IMG_1.HEIC + IMG_1.MOV) where its
    group's keeper has none: removing it would take the video out of the library with it."""
    if rows.empty or not companions:
        return rows
    keepers = group_keepers(rows)

    def has_video(path: str) -> bool:
        return any(kind == "video" for kind, _ in companions.get(path, []))

    keeper_path = rows["group_id"].map(keepers["path"])
    live = [
        not keep and relation == "copy" and has_video(path) and not has_video(str(keeper))
        for keep, relation, path, keeper in zip(rows["keep"], rows["relation"], rows["path"], keeper_path, strict=True)
    ]
    return _kept(rows, live, "kept: its Live Photo video lies beside it, and the kept photo has none")


def keep_all_decided(rows: pd.DataFrame, keep_all: list[frozenset[str]]) -> pd.DataFrame:
    """Mark as kept every member that a "keep all" decision covers together with its keeper."""
    if not keep_all or rows.empty:
        return rows
    keeper_digest = rows["group_id"].map(group_keepers(rows)["digest"])
    covered = [
        not keep and any(keeper in kept and digest in kept for kept in keep_all)
        for keep, keeper, digest in zip(rows["keep"], keeper_digest, rows["digest"], strict=True)
    ]
    return _kept(rows, covered, "kept: you chose keep all for this group")


def _kept(rows: pd.DataFrame, which: list[bool], reason: str) -> pd.DataFrame:
    """`rows` with the rows marked in `which` kept, for `reason`."""
    mask = pd.Series(which, index=rows.index, dtype=bool)
    if not mask.any():
        return rows
    rows = rows.copy()
    rows.loc[mask, "keep"] = True
    rows.loc[mask, "reason"] = reason
    return rows


def _size_and_digest(path: str) -> tuple[int, str]:
    return os.path.getsize(path), file_digest(path)


def attach_companions(
    rows: pd.DataFrame,
    companions: Mapping[str, list[list[str]]],
    size_and_digest: Callable[[str], tuple[int, str]] = _size_and_digest,
    staying: frozenset[str] = frozenset(),
) -> pd.DataFrame:
    """Add the files that go with each removed photo (kind, path, size, SHA-256).

    A companion goes only if every photo that uses it is removed (a Takeout JSON shared by a photo
    and its `-edited` copy stays while either stays), and never from inside a Photos library.
    Photos in `staying` count as kept whatever their row says (Apple Photos assets, a referenced
    original outside the bundle too: only Photos removes them, so their video stays with them).
    `size_and_digest` may remember digests across runs (the workflow passes a DigestCache's).
    """
    rows = rows.copy()
    attached: list[list[dict[str, Any]]] = [[] for _ in range(len(rows))]
    if not rows.empty and companions:
        removed = set(rows.loc[~rows["keep"], "path"]) - staying
        users = Counter(path for files in companions.values() for _, path in files)
        removed_users = Counter(path for photo, files in companions.items() if photo in removed for _, path in files)
        for position, path in enumerate(rows["path"]):
            if path not in removed:
                continue
            for kind, companion in companions.get(path, []):
                if removed_users[companion] != users[companion] or under_bundle(companion):
                    continue
                try:
                    size, digest = size_and_digest(companion)
                except OSError:
                    continue
                attached[position].append({"kind": kind, "path": companion, "size": size, "digest": digest})
    rows["companion_files"] = pd.Series(attached, index=rows.index, dtype=object)
    rows["companions"] = ["\n".join(item["path"] for item in files) for files in attached]
    rows["companion_size"] = [sum(item["size"] for item in files) for files in attached]
    return rows
