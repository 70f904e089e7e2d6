"""The gather step: all sidecars in, duplicate groups and report tables out."""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from photo_dedup.apple_photos.catalog import assets_by_path
from photo_dedup.apple_photos.duplicates import write_photos_duplicates
from photo_dedup.cache.chunk_records import rebuilt_when_damaged
from photo_dedup.cache.digests import DigestCache
from photo_dedup.cache.layout import CacheLayout
from photo_dedup.choose.applied_decisions import Decisions, load_decisions
from photo_dedup.choose.grouping import copy_groups
from photo_dedup.choose.keeper import DEFAULT_RULES, YOUR_CHOICE, KeeperRanking, Rule, present
from photo_dedup.choose.tiers import EDIT, SIMILAR, edit_pairs, review_groups, similar_pairs
from photo_dedup.choose.verdicts import VerdictRules, decided_groups
from photo_dedup.main_images.apply import MainImages, counts, member_rows, with_verified
from photo_dedup.match.photo_table import PhotoTable, load_photo_table
from photo_dedup.match.verify import MatchThresholds, PairEvidence
from photo_dedup.metadata.inheritance import with_inheritance
from photo_dedup.outputs.group_tables import summarise, write_tables
from photo_dedup.scan.companion_files import read_takeout

log = logging.getLogger(__name__)


def ranking_from(settings: Mapping[str, Any], decisions: Decisions) -> KeeperRanking:
    """The keeper ranking from config.yaml's `keeper` section (preferred roots as absolute paths),
    with the review's decisions first: a keeper chosen for its group, then the page's folders."""
    roots = [os.path.abspath(os.path.expanduser(root)) for root in settings.get("preferred_roots", ())]
    ranking = KeeperRanking(
        settings.get("rules", DEFAULT_RULES),  # the schema's default, for callers outside the workflow
        roots,
        chosen_digests=decisions.chosen_keepers,
        chosen_paths=decisions.chosen_paths,
    )
    if decisions.preferred_roots:
        chosen_first = int(bool(decisions.chosen_keepers or decisions.chosen_paths))
        folders = Rule("chosen", lambda photo: decisions.folder_rank(photo["path"]), lambda w, r: YOUR_CHOICE)
        ranking.rules.insert(chosen_first, folders)
    return ranking


def find_groups(
    chunk_files: Sequence[str],
    scan_file: str,
    decisions_files: Sequence[str],
    match: Mapping[str, Any],
    keeper: Mapping[str, Any],
    groups_csv: str,
    groups_json: str,
    unreadable_csv: str,
    pairs_csv: str,
    raw_jpeg_pairs: str = "keep_both",
    similar_shots: bool = False,
    photos_catalog: str | None = None,
    photos_csv: str | None = None,
    photos_script: str | None = None,
    companion_digests: str | None = None,
    verified_files: Sequence[str] = (),
    verify: str = "candidates",
    cache_dir: str | None = None,
    max_pixels: int = 250_000_000,
) -> None:
    """The gather step: every chunk's sidecars in; groups, tables and Photos' duplicate list out.

    Inputs are the chunk files, the scan report, the decisions file (if any) and the catalog of
    the Apple Photos libraries found; outputs are groups.csv/json, unreadable.csv, the candidate
    pairs' measurements, and (for Photos) apple-photos-duplicates.csv and .applescript.
    `companion_digests` is a cache file of the companions' SHA-256s (kept across runs).
    `verified_files` are the verify jobs' outputs: photos fingerprinted from a thumbnail, their
    main image decoded (main_images; any such photo still unverified in a pair or a group is
    decoded here, from `cache_dir`).
    """
    started = time.monotonic()
    scan = json.loads(Path(scan_file).read_text(encoding="utf-8"))
    decisions = load_decisions(decisions_files[0]) if decisions_files else Decisions()
    with rebuilt_when_damaged():
        table, failed = load_photo_table(chunk_files)
    log.info(
        "%d readable photos, %d unreadable, loaded in %.1f s",
        len(table),
        len(failed),
        time.monotonic() - started,
    )
    main_images = MainImages(verified_files, cache_dir, max_pixels)
    table, failed = main_images.applied(table, failed)
    thresholds = MatchThresholds(**match)
    table, failed, _ = main_images.closed(table, failed, thresholds.max_hash_distance)
    assets = assets_by_path(json.loads(Path(photos_catalog).read_text(encoding="utf-8"))) if photos_catalog else {}
    table = with_photos_assets(table, assets)
    table = with_companion_facts(table, scan.get("companions", {}))
    ranking = ranking_from(keeper, decisions)
    changed = True
    while changed:  # until every photo in a group has had its main image decoded (main_images.apply)
        found, evidence = copy_groups(table, thresholds, ranking, decisions)
        found += review_groups(table, edit_pairs(table, evidence, found), found, ranking, EDIT, decisions)
        if similar_shots:
            found += review_groups(table, similar_pairs(table, evidence, found), found, ranking, SIMILAR, decisions)
        table, failed, changed = main_images.closed(
            table, failed, thresholds.max_hash_distance, member_rows(table, found)
        )
    rules = VerdictRules(decisions.keep_all, raw_jpeg_pairs, scan.get("companions", {}), assets)
    digests = DigestCache(companion_digests)
    groups = decided_groups(table, found, rules, digests.size_and_digest)  # every keep/remove rule, in one order
    digests.save()
    tag_cache = str(CacheLayout(Path(companion_digests).parent).exiftool_tags) if companion_digests else None
    with_inheritance(groups, scan.get("companions", {}), assets, tag_cache=tag_cache)  # what kept photos inherit
    unreadable = pd.concat([failed, pd.DataFrame(scan["problems"], columns=["path", "reason"])], ignore_index=True)
    summary = {**summarise(groups, unreadable, scan["counts"]), "main_images": counts(table, verify)}
    with_verified(groups, table)
    write_tables(groups, unreadable, summary, groups_csv, groups_json, unreadable_csv)
    write_pair_evidence(evidence, pairs_csv)
    if photos_csv and photos_script:
        write_photos_duplicates(groups, assets, photos_csv, photos_script)
    log.info(
        "%d candidate pairs, %d matched, %d groups, %d files to remove; %.1f s in all",
        len(evidence.pairs),
        int(evidence.accepted.sum()),
        summary["groups"],
        summary["files_to_remove"],
        time.monotonic() - started,
    )


def with_photos_assets(table: PhotoTable, assets: Mapping[str, Any]) -> PhotoTable:
    """Attach what Apple Photos knows to its originals; leave out assets in Recently Deleted
    (not live copies: never the reason another copy is removed)."""
    if not assets:
        table.photos["apple"] = None
        return table
    table.photos["apple"] = [assets.get(path) for path in table.photos["path"]]
    live = np.array([not (asset or {}).get("in_trash", False) for asset in table.photos["apple"]], dtype=bool)
    if not live.all():
        log.info("%d photos in Recently Deleted left out", int((~live).sum()))
    return table.subset(live)


def with_companion_facts(table: PhotoTable, companions: Mapping[str, list[list[str]]]) -> PhotoTable:
    """Fill in from companions what the photo's own EXIF lacks: capture time and GPS from its
    Google Takeout JSON; and name its editors' sidecars (`edits`), which make a copy worth more."""
    photos = table.photos
    edits, taken, gps = [], photos["taken"].tolist(), photos["has_gps"].tolist()
    google: list[str] = []
    downloaded: list[bool] = []
    for position, path in enumerate(photos["path"]):
        files = companions.get(path, [])
        downloaded.append(any(kind == "takeout" for kind, _ in files))
        edits.append(", ".join(os.path.basename(file) for kind, file in files if kind == "edits"))
        google.append("")
        for kind, file in files:
            if kind != "takeout":
                continue
            facts = read_takeout(file)
            google[position] = takeout_words(facts)
            if not present(taken[position]) and facts.get("taken"):
                taken[position] = facts["taken"]
            if not present(gps[position]) and facts.get("has_gps"):
                gps[position] = True
    photos["edits"], photos["taken"], photos["has_gps"], photos["takeout"] = edits, taken, gps, google
    photos["google_takeout"] = downloaded
    return table


def takeout_words(facts: Mapping[str, Any]) -> str:
    """A Takeout JSON's caption and people, for the page and groups.csv."""
    parts = []
    if facts.get("description"):
        parts.append(f"caption: {facts['description']}")
    if facts.get("people"):
        parts.append("people: " + ", ".join(str(name) for name in facts["people"]))
    return "; ".join(parts)


def write_pair_evidence(evidence: PairEvidence, path: str) -> None:
    """Every candidate pair's measurements, for the distance plot and for tuning."""
    pd.DataFrame(
        {
            "a": evidence.pairs[:, 0],
            "b": evidence.pairs[:, 1],
            "phash_distance": evidence.phash_distance,
            "dhash_distance": evidence.dhash_distance,
            "structure": evidence.structure.round(4),
            "alignment": evidence.alignment.round(4),
            "aspect_change": evidence.aspect_change.round(4),
            "colourfulness_change": evidence.colourfulness_change.round(4),
            "colour_shift": evidence.colour_shift.round(4),
            "levels_residual": evidence.levels_residual.round(4),
            "grey_tint": evidence.grey_tint.round(4),
            "same_bytes": evidence.same_bytes,
            "accepted": evidence.accepted,
            "edit": evidence.edit,
            "similar": evidence.similar,
        }
    ).to_csv(path, index=False)
