"""The contact sheet in a real browser (Debian's Chromium driven by Playwright)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from library_factory import build_library
from workflow_runner import snakemake

from photo_dedup import variants

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    # CI installs chromium; elsewhere the browser tests skip with a reason rather than fail.
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not os.environ.get("CI"), reason="Debian's chromium is not installed"
    ),
]
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    base = tmp_path_factory.mktemp("browser")
    library = build_library(base / "library")
    workdir = base / "work"
    result = snakemake(workdir, "--config", f"library={library.root}")
    assert result.returncode == 0, result.stderr
    return {"library": library, "workdir": workdir, "config": ["--config", f"library={library.root}"]}


def open_report(browser, workdir: Path):
    page = browser.new_page(accept_downloads=True)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto((workdir / "results" / "report.html").as_uri())
    return page, dialogs


def read_groups(workdir: Path) -> pd.DataFrame:
    return pd.read_csv(workdir / "results" / "groups.csv", keep_default_na=False)


def export_decisions(page, workdir: Path) -> None:
    with page.expect_download() as download:
        page.click("#export")
    download.value.save_as(workdir / "decisions.json")


def test_hostile_file_names_are_text_and_run_nothing(browser, reviewed):
    page, dialogs = open_report(browser, reviewed["workdir"])
    name = "<img src=x onerror=alert(1)>.jpg"
    assert page.get_by_text(name, exact=True).count() == 1
    page.mouse.wheel(0, 20000)
    page.wait_for_timeout(500)
    assert dialogs == []
    assert page.locator("img[src=x]").count() == 0
    page.close()


def test_thumbnails_load(browser, reviewed):
    page, _ = open_report(browser, reviewed["workdir"])
    images = page.locator("figure.member img")
    assert images.count() == len(read_groups(reviewed["workdir"]))
    for index in range(images.count()):
        images.nth(index).scroll_into_view_if_needed()
    page.wait_for_function(
        "Array.from(document.querySelectorAll('figure.member img')).every(i => i.complete && i.naturalWidth > 0)"
    )
    page.screenshot(path=str(reviewed["workdir"] / "results" / "report-screenshot.png"), full_page=False)
    page.close()


def test_sorting_and_filtering(browser, reviewed):
    page, _ = open_report(browser, reviewed["workdir"])
    page.select_option("#sort", "members")
    counts = page.eval_on_selector_all("section.group", "cards => cards.map(c => Number(c.dataset.members))")
    assert counts == sorted(counts, reverse=True)
    page.select_option("#kind", "identical bytes")
    visible = page.locator("section.group:not(.hidden)")
    assert 0 < visible.count() < page.locator("section.group").count()
    page.close()


def test_choosing_another_keeper_changes_the_results(browser, reviewed):
    workdir = reviewed["workdir"]
    rows = read_groups(workdir)
    group = rows[rows["path"].str.endswith("astronaut.png")].iloc[0]["group_id"]
    takeout = rows[(rows["group_id"] == group) & rows["path"].str.contains("/Takeout/")].iloc[0]
    page, _ = open_report(browser, workdir)
    page.locator(f"#{group} figure[data-digest='{takeout['digest']}'] input[type=radio]").check()
    export_decisions(page, workdir)
    page.close()
    result = snakemake(workdir, *reviewed["config"])
    assert result.returncode == 0, result.stderr
    rows = read_groups(workdir)
    kept = rows[rows["keep"] & rows["path"].str.contains("astronaut")]
    assert list(kept["path"]) == [takeout["path"]]
    assert kept.iloc[0]["reason"] == "chosen by you in the contact sheet"
    script = (workdir / "results" / "delete-duplicates.sh").read_text()
    assert re.search(rf"^act [0-9a-f]{{16}} '?{re.escape(takeout['path'])}'? ", script, re.MULTILINE)


def test_not_duplicates_survives_a_rerun_with_a_new_photo(browser, reviewed, photos):
    workdir, library = reviewed["workdir"], reviewed["library"]
    rows = read_groups(workdir)
    group = rows[rows["path"].str.endswith("coffee.jpg") & rows["keep"]].iloc[0]["group_id"]
    members = set(rows[rows["group_id"] == group]["path"])
    page, _ = open_report(browser, workdir)
    page.select_option(f"#{group} select.decide", "not_duplicates")
    export_decisions(page, workdir)
    page.close()
    variants.save_original(photos["hubble"], library.root / "New" / "new-photo.jpg")
    shutil.copyfile(library.root / "Masters" / "hubble.jpg", library.root / "New" / "hubble copy.jpg")
    result = snakemake(workdir, *reviewed["config"])
    assert result.returncode == 0, result.stderr
    rows = read_groups(workdir)
    for _, grouped in rows.groupby("group_id"):
        assert len(set(grouped["path"]) & members) <= 1
    assert str(library.root / "New" / "hubble copy.jpg") in set(rows["path"])
    # the earlier keeper decision is still honoured: exporting keeps earlier decisions
    assert "chosen by you in the contact sheet" in set(rows["reason"])
