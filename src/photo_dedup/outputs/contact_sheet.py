"""The HTML contact sheet (results/report.html): every group, its keeper and why."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from photo_dedup import __version__
from photo_dedup.cache.atomic import copy_file, display_text, write_text
from photo_dedup.config.decisions_file import DecisionsDocument, decisions_digest, load_decisions_file
from photo_dedup.outputs.run_summary import BETTER_OUTSIDE_PHOTOS
from photo_dedup.outputs.sizes import human_bytes
from photo_dedup.outputs.templating import template_environment
from photo_dedup.review.places import places
from photo_dedup.shapes import Group, Report, read_report


def file_url(path: str) -> str:
    """A file:// URL that opens the photo itself (every special character escaped, any bytes kept)."""
    return "file://" + quote(os.fsencode(path), safe="/")


def copy_thumbnails(groups: Sequence[Group], cache_dir: str | Path, out_dir: str | Path) -> dict[str, str]:
    """Copy grouped photos' thumbnails next to the page; map digest -> relative URL."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    urls: dict[str, str] = {}
    wanted = set()
    for digest, thumbnail in ((m["digest"], m["thumbnail"]) for g in groups for m in g.members):
        if digest in urls or not thumbnail:
            continue
        name = f"{digest[:20]}.jpg"
        target = out_dir / name
        source = Path(cache_dir) / thumbnail
        if not _same_size(source, target):  # missing, or cut short by a full disk: copy again
            copy_file(source, target)
        urls[digest] = f"{out_dir.name}/{name}"
        wanted.add(name)
    for stale in out_dir.glob("*.jpg"):
        if stale.name not in wanted:
            stale.unlink()
    return urls


def _same_size(source: Path, target: Path) -> bool:
    try:
        return source.stat().st_size == target.stat().st_size
    except OSError:
        return False


# Formats a browser shows itself: the comparison view opens the original; others show the thumbnail.
BROWSER_FORMATS = frozenset({"JPEG", "PNG", "GIF", "WEBP", "BMP", "AVIF"})


def how_it_differs(member: Mapping[Any, Any], keeper: Mapping[Any, Any]) -> str:
    """A removed copy in a photographer's words, compared with the photo kept."""
    if member["digest"] == keeper["digest"]:
        return "identical file"
    if member.get("conversion"):
        return f"same photo, converted to {member['format']}"
    pixels, kept_pixels = int(member["width"]) * int(member["height"]), int(keeper["width"]) * int(keeper["height"])
    if pixels < kept_pixels * 0.98:
        return f"same photo, smaller ({member['width']}×{member['height']})"
    if pixels > kept_pixels * 1.02:
        return f"same photo, larger ({member['width']}×{member['height']})"
    if member["format"] != keeper["format"]:
        return f"same photo as {member['format']}"
    return "same photo, recompressed"


def _how(record: Mapping[Any, Any], keeper: Mapping[Any, Any]) -> str:
    """What the card says of a photo other than the keeper ("" where its reason says it better)."""
    if record is keeper:
        return ""
    relation = record.get("relation") or "copy"
    if relation == "edit":
        return f"an edit of this shot: {record.get('how') or 'other colours or tones'}"
    if relation == "similar":
        return f"{record.get('how') or 'a similar shot'} of this scene"
    return "" if record["keep"] else how_it_differs(record, keeper)


def run_id(groups: Sequence[Group]) -> str:
    """Names this set of results (choices kept in the browser belong to it)."""
    text = "\n".join(sorted(f"{g.group_id}\t{m['digest']}\t{m['keep']}" for g in groups for m in g.members))
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:16]


def kept_apart(previous: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The "not duplicates" and "not a copy" decisions of earlier reviews, for the page to list (and
    undo); each with the key the page knows it by."""
    return [
        {
            "action": d["action"],
            "key": apart_key(d),
            "names": [str(n) for n in d.get("names", [])],
            "members": d["members"],
        }
        for d in previous
        if d.get("action") in ("not_duplicates", "not_a_copy")
    ]


def apart_key(decision: Mapping[str, Any]) -> str:
    """Names a "not duplicates" or "not a copy" decision on the page (the page builds the same key)."""
    members = "|".join(decision.get("members", []))
    return f"{decision['photo']}@{members}" if decision["action"] == "not_a_copy" else members


# What makes a group need a look, each a filter of the page (and a summary tile)
LOOKS = {
    "lacks": "kept copy lacks metadata",
    "conversion": "a conversion",
    "outside-photos": "better copy outside Photos",
}


def needs_a_look(records: list[dict[Any, Any]]) -> list[str]:
    """Why a group needs a look (the keys of LOOKS)."""
    looks = []
    if any(r["keeper_lacks"] for r in records):
        looks.append("lacks")
    if any(r["conversion"] for r in records):
        looks.append("conversion")
    if any(str(r["reason"]).startswith(BETTER_OUTSIDE_PHOTOS) for r in records):
        looks.append("outside-photos")
    return looks


def render_contact_sheet(
    report: Report,
    out_path: str | Path,
    cache_dir: str | Path,
    distance_plot: str | None = None,
    previous_decisions: DecisionsDocument | None = None,
    decisions_name: str = "decisions.json",
    libraries: list[str] | None = None,
    decisions_base: str = "none",
) -> None:
    out_path = Path(out_path)
    previous = previous_decisions or DecisionsDocument()
    thumbs = copy_thumbnails(report.groups, cache_dir, out_path.parent / "thumbs")
    groups: list[dict[str, Any]] = []
    for group in report.groups:
        records: list[dict[str, Any]] = [dict(member) for member in group.members]
        keeper = records[0]
        digests = [r["digest"] for r in records]
        for record, place in zip(records, places([r["path"] for r in records], libraries or []), strict=True):
            record["group_id"] = group.group_id
            record["place"] = display_text(place)
            record["twin"] = digests.count(record["digest"]) > 1  # byte-identical to another member
            record["thumb_url"] = thumbs.get(record["digest"], "")
            record["file_url"] = file_url(record["path"])
            record["full_url"] = record["file_url"] if record["format"] in BROWSER_FORMATS else record["thumb_url"]
            record["how"] = _how(record, keeper)
            for key in ("path", "name", "folder", "taken", "reason", "camera", "conversion", "keeper_lacks", "edits"):
                record[key] = display_text(str(record[key]))
            texts = ("photos_uuid", "photos_name", "photos_curation", "handled_by", "companions", "takeout")
            for key in (*texts, "inherits", "metadata_conflicts"):
                record[key] = display_text(str(record.get(key) or ""))
            record["human_bytes"] = human_bytes(int(record["size"]))
        removable = [r for r in records if not r["keep"]]
        groups.append(
            {
                "group_id": group.group_id,
                "members": records,
                "savings": sum(int(r["size"]) for r in removable),
                "human_savings": human_bytes(sum(int(r["size"]) for r in removable)),
                "kinds": sorted({r["match"] for r in removable}),
                "relation": group.relation,
                "folder": os.path.dirname(group.keeper["path"]),
                "looks": needs_a_look(records),
                "yours": any(r["reason"] == "your choice" for r in records),
            }
        )
    groups.sort(key=lambda group: (-group["savings"], group["group_id"]))  # the page's default order
    html = (
        template_environment("html")
        .get_template("report.html.j2")
        .render(
            version=__version__,
            summary=report.summary,
            human_reclaim=human_bytes(int(report.summary.get("bytes_to_reclaim", 0))),
            groups=groups,
            unreadable=[{key: display_text(str(value)) for key, value in row.items()} for row in report.unreadable],
            distance_plot=distance_plot,
            previous_decisions=previous.entries,
            previous_roots=previous.preferred_roots,
            kept_apart=kept_apart(previous.entries),
            looks=LOOKS,
            look_counts={look: sum(look in group["looks"] for group in groups) for look in LOOKS},
            run_id=run_id(report.groups),
            decisions_name=decisions_name,
            decisions_base=decisions_base,
        )
    )
    write_text(out_path, html, errors="replace")


def contact_sheet(
    groups_json: str,
    decisions_files: list[str],
    plot_link: str,
    out_path: str,
    cache_dir: str,
    decisions_name: str = "decisions.json",
    libraries: list[str] | None = None,
) -> None:
    """The contact-sheet step: read groups.json, write report.html and its thumbnails."""
    report = read_report(groups_json)
    previous = load_decisions_file(decisions_files[0]) if decisions_files else DecisionsDocument()
    base = decisions_digest(Path(decisions_files[0])) if decisions_files else decisions_digest(None)
    render_contact_sheet(
        report,
        out_path,
        cache_dir,
        distance_plot=plot_link,
        previous_decisions=previous,
        decisions_name=decisions_name,
        libraries=libraries,
        decisions_base=base,
    )
