"""Contact-sheet benchmark: is a page of 5,000 groups still usable in a real browser?

    python benchmarks/page.py [--groups 5000]

Renders a page of N generated groups (3 photos each, real thumbnail files) with the real
template, opens it in headless Chromium (Debian's, via Playwright) and prints the page's size,
the time to load it, how many thumbnails the browser fetched before scrolling (lazy loading),
the frame times while scrolling through it, and the time to re-sort and to filter it.
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

import numpy as np
from PIL import Image
from playwright.sync_api import sync_playwright

from photo_dedup.outputs.contact_sheet import render_contact_sheet
from photo_dedup.outputs.group_tables import GROUP_COLUMNS
from photo_dedup.shapes import Group, Member, Report

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"


def generated_groups(n_groups: int, cache: Path) -> list[Group]:
    rng = np.random.default_rng(0)
    groups = []
    for g in range(n_groups):
        members: list[Member] = []
        for m in range(3):
            digest = f"{g:032x}{m:032x}"
            thumbnail = Path("thumbs") / digest[:2] / f"{digest}.jpg"
            (cache / thumbnail).parent.mkdir(parents=True, exist_ok=True)
            colour = tuple(int(c) for c in rng.integers(0, 256, 3))
            Image.new("RGB", (320, 240), colour).save(cache / thumbnail, quality=80)
            row = dict.fromkeys(GROUP_COLUMNS, "") | {"relation": "copy", "companion_files": [], "inherit": None}
            del row["group_id"]
            row.update(
                path=f"/photos/folder-{g % 50}/IMG_{g:05d}-{m}.jpg", keep=m == 0,
                reason="more pixels" if m == 0 else "duplicate of the kept photo", format="JPEG",
                width=4000, height=3000, size=int(rng.integers(1e6, 5e6)), taken="2022-07-01T12:00:00",
                distance=0 if m == 0 else 2, match="keeper" if m == 0 else "looks the same", digest=digest,
                folder=f"/photos/folder-{g % 50}", name=f"IMG_{g:05d}-{m}.jpg", thumbnail=str(thumbnail),
                companions="", companion_size=0,
            )  # fmt: skip
            members.append(Member(**row))  # type: ignore[typeddict-item]
        groups.append(Group(f"g{g:06d}", "copy", "more pixels", members))
    return groups


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--groups", type=int, default=5000)
    parser.add_argument("--workdir", type=Path, default=REPO / "bench-work" / "page")
    args = parser.parse_args()
    work = args.workdir.resolve()
    if work.exists():
        shutil.rmtree(work)
    (work / "results").mkdir(parents=True)
    groups = generated_groups(args.groups, work / "cache")
    removed = [member for group in groups for member in group.others]
    summary = {
        "photos_scanned": 3 * len(groups), "unreadable": 0, "groups": args.groups, "files_to_remove": len(removed),
        "bytes_to_reclaim": sum(member["size"] for member in removed), "videos_skipped": 0, "other_files_skipped": 0,
    }  # fmt: skip
    started = time.monotonic()
    page = work / "results" / "report.html"
    render_contact_sheet(Report(summary, groups, []), page, work / "cache")
    render_seconds = time.monotonic() - started
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        tab = browser.new_page(viewport={"width": 1400, "height": 900})
        started = time.monotonic()
        tab.goto(page.as_uri(), wait_until="load")
        load_seconds = time.monotonic() - started
        tab.wait_for_timeout(1000)
        fetched = tab.evaluate("Array.from(document.images).filter(i => i.naturalWidth > 0).length")
        frames = tab.evaluate(
            """async () => {
                const times = [];
                let last = performance.now();
                const height = document.body.scrollHeight;
                for (let y = 0; y < height; y += 1500) {
                    window.scrollTo(0, y);
                    await new Promise(r => requestAnimationFrame(r));
                    const now = performance.now();
                    times.push(now - last);
                    last = now;
                }
                return times;
            }"""
        )
        started = time.monotonic()
        tab.select_option("#sort", "members")
        tab.evaluate("new Promise(r => requestAnimationFrame(r))")
        sort_seconds = time.monotonic() - started
        started = time.monotonic()
        tab.fill("#folder", "folder-7")
        tab.evaluate("new Promise(r => requestAnimationFrame(r))")
        filter_seconds = time.monotonic() - started
        shown = tab.locator("section.group:not(.hidden)").count()
        browser.close()
    frames_ms = np.asarray(frames)
    print(
        f"{args.groups} groups, {3 * len(groups)} photos; page {page.stat().st_size / 1e6:.1f} MB, "
        f"rendered in {render_seconds:.1f} s"
    )
    print(f"load in Chromium: {load_seconds:.2f} s; thumbnails loaded before scrolling: {fetched} of {3 * len(groups)}")
    print(
        f"scrolling {len(frames_ms)} screens: median frame {np.median(frames_ms):.0f} ms, "
        f"95th percentile {np.percentile(frames_ms, 95):.0f} ms, worst {frames_ms.max():.0f} ms"
    )
    print(f"re-sort by members: {sort_seconds:.2f} s; filter by folder: {filter_seconds:.2f} s ({shown} groups shown)")


if __name__ == "__main__":
    main()
