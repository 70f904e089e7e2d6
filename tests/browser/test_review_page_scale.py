"""The review page at 3,000 groups in Debian's Chromium: it opens, filters, jumps and acts on every
group in view fast enough to use (the numbers are printed: `pytest -n0 -s` shows them)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PIL import Image
from support.browser import CHROMIUM, pytestmark  # noqa: F401 - the browser marks
from support.deletion_helpers import groups_of_rows

from photo_dedup.outputs.contact_sheet import render_contact_sheet
from photo_dedup.outputs.group_tables import GROUP_COLUMNS
from photo_dedup.shapes import Group, Report

sync_api = pytest.importorskip("playwright.sync_api")
GROUPS = 3000
ROOTS = ["/home/alice/Pictures/Masters", "/home/alice/Pictures/Google Takeout"]


def generated_groups(cache: Path) -> list[Group]:
    """3,000 groups of three: a Masters original, its Takeout download, an export; every 7th
    group's keeper lacks metadata, every 5th has a conversion."""
    thumbnail = Path("thumbs") / "one.jpg"
    (cache / thumbnail).parent.mkdir(parents=True)
    Image.new("RGB", (160, 120), (120, 90, 60)).save(cache / thumbnail, quality=80)
    rows = []
    for g in range(GROUPS):
        year = 2000 + g % 20
        folders = [f"{ROOTS[0]}/{year}/trip {g % 40}", f"{ROOTS[1]}/Photos from {year}", f"{ROOTS[0]}/Exports"]
        for m, folder in enumerate(folders):
            row = dict.fromkeys(GROUP_COLUMNS, "")
            name = f"IMG_{g:05d}.jpg" if m < 2 else f"IMG_{g:05d}.png"
            row.update(
                group_id=f"g{g:06d}", relation="copy", path=f"{folder}/{name}", keep=m == 0,
                reason="more pixels" if m == 0 else "duplicate of the kept photo", format="JPEG" if m < 2 else "PNG",
                width=4000, height=3000, size=3_000_000 - g - m, taken="2022-07-01T12:00:00",
                distance=0 if m == 0 else 2, match="keeper" if m == 0 else "looks the same",
                digest=f"{g:032x}{m:032x}", folder=folder, name=name, thumbnail=str(thumbnail),
                keeper_lacks="GPS" if m == 0 and g % 7 == 0 else "",
                conversion="no camera EXIF, while a copy has it" if m == 2 and g % 5 == 0 else "",
                companion_size=0,
            )  # fmt: skip
            rows.append(row)
    return groups_of_rows(rows)


def test_a_page_of_3000_groups_stays_fast(tmp_path):
    groups = generated_groups(tmp_path / "cache")
    summary = {
        "photos_scanned": 3 * GROUPS, "unreadable": 0, "groups": GROUPS, "files_to_remove": 2 * GROUPS,
        "bytes_to_reclaim": 1, "videos_skipped": 0, "other_files_skipped": 0,
        "keepers_lacking_metadata": len(range(0, GROUPS, 7)),
    }  # fmt: skip
    page_path = tmp_path / "results" / "report.html"
    started = time.monotonic()
    render_contact_sheet(Report(summary, groups, []), page_path, tmp_path / "cache", libraries=ROOTS)
    render_seconds = time.monotonic() - started
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        started = time.monotonic()
        page.goto(page_path.as_uri(), wait_until="load")
        load_seconds = time.monotonic() - started

        def timed(action) -> float:
            begun = time.monotonic()
            action()
            page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            return time.monotonic() - begun

        folder_seconds = timed(lambda: page.locator("section.group button.prefer").nth(1).click())
        takeout_kept = page.locator("section.group figure.member.keep[data-folder$='Photos from 2000']").count()
        lacks_seconds = timed(lambda: page.click("[data-look-tile=lacks]"))
        lacking = page.locator("section.group:not(.hidden)").count()
        conversion_seconds = timed(lambda: page.select_option("#look", "conversion"))
        converted = page.locator("section.group:not(.hidden)").count()
        end_seconds = timed(lambda: page.keyboard.press("End"))
        last = page.eval_on_selector("section.group.current", "card => card.id")
        accept_seconds = timed(lambda: page.click("#accept-view"))
        yours = page.text_content("#yours-count")
        all_seconds = timed(lambda: page.click("[data-look-tile='']"))
        shown = page.locator("section.group:not(.hidden)").count()
        place = page.text_content("section.group figure.member:nth-child(2) .folder")
        in_page_ms = page.evaluate(  # the filter's own cost, its script and the layout it causes
            """() => {
                const look = document.getElementById("look");
                const started = performance.now();
                look.value = "lacks";
                look.dispatchEvent(new Event("change"));
                document.body.offsetHeight;
                return performance.now() - started;
            }"""
        )
        browser.close()
    size = page_path.stat().st_size / 1e6
    print(
        f"\n{GROUPS} groups ({3 * GROUPS} photos), page {size:.1f} MB rendered in {render_seconds:.1f} s; "
        f"load in Chromium {load_seconds:.2f} s; keep copies in a folder (every group) {folder_seconds:.2f} s; "
        f"filter 'lacks metadata' (tile) {lacks_seconds:.2f} s, 'conversions' {conversion_seconds:.2f} s; "
        f"End {end_seconds:.2f} s; accept all in view {accept_seconds:.2f} s; all groups again {all_seconds:.2f} s; "
        f"in the page, a filter with its layout: {in_page_ms:.0f} ms"
    )
    assert errors == []
    # every 20th group has a Takeout copy in "Photos from 2000": there it is kept now
    assert takeout_kept == len(range(0, GROUPS, 20))
    assert lacking == len(range(0, GROUPS, 7)) and converted == len(range(0, GROUPS, 5))
    assert last == f"g{max(range(0, GROUPS, 5)):06d}"  # the page's order: largest savings first
    assert yours == str(converted)  # the folder's groups are among those accepted
    assert shown == GROUPS
    assert place == "Google Takeout/Photos from 2000"
    # generous bounds: the machine is shared (the printed numbers are the measurement)
    assert load_seconds < 30 and max(lacks_seconds, conversion_seconds, all_seconds, end_seconds) < 5
    assert max(accept_seconds, folder_seconds) < 10
