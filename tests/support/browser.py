"""What the browser tests share: Debian's Chromium driven by Playwright, the marks that skip them
where Chromium is missing, and opening the contact sheet."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

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
