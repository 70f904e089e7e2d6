"""The contact sheet in a real browser (Debian's Chromium driven by Playwright)."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from support.browser import export_decisions, open_report, pytestmark, read_groups  # noqa: F401 - the marks
from support.library_factory import build_library
from support.workflow_runner import snakemake

from photo_dedup.demo import variants


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    base = tmp_path_factory.mktemp("browser")
    library = build_library(base / "library")
    workdir = base / "work"
    result = snakemake(workdir, "--config", f"library={library.root}")
    assert result.returncode == 0, result.stderr
    return {"library": library, "workdir": workdir, "config": ["--config", f"library={library.root}"]}


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
        # the DOM's own scroll: Playwright's waits for a size, which a card skipped by
        # content-visibility (off screen) has only once it is near the screen
        images.nth(index).evaluate("img => img.scrollIntoView()")
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
    assert kept.iloc[0]["reason"] == "your choice"
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
    assert "your choice" in set(rows["reason"])


def keeper_of(page, group: str) -> list[str]:
    return page.eval_on_selector_all(f"#{group} figure.member.keep", "figures => figures.map(f => f.dataset.path)")


def badges(page, group: str) -> list[str]:
    return page.eval_on_selector_all(f"#{group} figure.member .badge:not(.apple)", "b => b.map(x => x.textContent)")


def test_choosing_a_keeper_moves_the_badge_and_survives_a_reload(browser, reviewed):
    page, _ = open_report(browser, reviewed["workdir"])
    group = page.eval_on_selector("section.group", "card => card.id")
    proposed = keeper_of(page, group)
    other = page.eval_on_selector(f"#{group} figure.member:not(.keep)", "f => f.dataset.path")
    page.locator(f"#{group} figure.member:not(.keep) input[type=radio]").first.check()
    assert keeper_of(page, group) == [other]
    assert badges(page, group).count("KEEP") == 1 and proposed[0] != other
    assert page.locator("#decision-list li").count() == 1
    page.reload()
    assert keeper_of(page, group) == [other]
    page.click("#decision-list button.undo")
    assert keeper_of(page, group) == proposed
    assert page.locator("#panel").is_hidden()
    page.evaluate("localStorage.clear()")
    page.close()


def test_keyboard_review(browser, reviewed):
    page, _ = open_report(browser, reviewed["workdir"])
    page.keyboard.press("j")
    group = page.eval_on_selector("section.group.current", "card => card.id")
    second = page.eval_on_selector(f"#{group} figure.member:nth-child(2)", "f => f.dataset.path")
    page.keyboard.press("2")
    assert keeper_of(page, group) == [second]
    page.keyboard.press("n")
    assert badges(page, group) == ["KEEP"] * len(badges(page, group))
    assert page.input_value(f"#{group} select.decide") == "not_duplicates"
    page.keyboard.press("u")
    assert len(keeper_of(page, group)) == 1 and page.input_value(f"#{group} select.decide") == ""
    page.keyboard.press("j")
    assert page.eval_on_selector("section.group.current", "card => card.id") != group
    page.keyboard.press("c")
    panes = page.locator("#compare .pane")
    assert page.locator("#compare").is_visible() and panes.count() >= 2
    panes.first.hover()
    page.mouse.wheel(0, -300)
    transforms = page.eval_on_selector_all("#compare .pane img", "imgs => imgs.map(i => i.style.transform)")
    assert len(set(transforms)) == 1 and "scale(1.25)" in transforms[0]  # every pane zooms together
    page.keyboard.press("Escape")
    assert page.locator("#compare").is_hidden()
    page.evaluate("localStorage.clear()")
    page.close()


def test_the_review_server_saves_decisions_and_the_rerun_follows_them(browser, reviewed):
    import threading

    from photo_dedup.review.server import make_server

    workdir = reviewed["workdir"]
    server = make_server(workdir)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page = browser.new_page()
        page.goto(server.url)  # the address the server prints, with its token
        assert page.url == f"http://127.0.0.1:{server.server_address[1]}/report.html?token={server.token}"
        assert page.locator("figure.member img[data-src]").first.get_attribute("data-src").endswith(server.token)
        assert page.locator("#save").is_visible() and page.locator("#export").is_hidden()
        rows = read_groups(workdir)
        removable = rows[~rows["keep"].astype(bool) & (rows["match"] == "identical bytes")]
        removable = removable[removable["path"].str.fullmatch(r"[\w/.-]+")]  # a plain name, easy to select
        group, chosen = removable["group_id"].iloc[0], removable["path"].iloc[0]  # a byte copy: chosen by its path
        page.locator(f"#{group} figure.member[data-path='{chosen}'] input[type=radio]").check()
        page.click("#save")
        page.wait_for_function("document.getElementById('status').textContent.startsWith('saved')")
        saved = json.loads((workdir / "decisions.json").read_text())["decisions"]
        assert [d["keeper_path"] for d in saved if d["action"] == "keep"][-1] == chosen
        with page.expect_navigation(timeout=300_000):
            page.click("#rerun")
        rows = read_groups(workdir)
        kept = rows[
            (rows["group_id"] == rows[rows["path"] == chosen]["group_id"].iloc[0]) & (rows["match"] == "keeper")
        ]
        assert list(kept["path"]) == [chosen] and kept["reason"].iloc[0] == "your choice"
        assert "# Your choice: " in (workdir / "results" / "delete-duplicates.sh").read_text()
        assert page.locator(f"figure.member.keep[data-path='{chosen}'] .why").first.text_content() == "your choice"
        page.close()
    finally:
        server.shutdown()
        (workdir / "decisions.json").unlink(missing_ok=True)
        assert snakemake(workdir, *reviewed["config"]).returncode == 0


def test_not_duplicates_are_listed_as_kept_apart_and_can_be_undone(browser, reviewed):
    workdir = reviewed["workdir"]
    groups_before = set(read_groups(workdir)["group_id"])
    page, _ = open_report(browser, workdir)
    group = page.eval_on_selector("section.group", "card => card.id")
    names = page.eval_on_selector_all(f"#{group} figure.member", "f => f.map(x => x.dataset.name)")
    page.select_option(f"#{group} select.decide", "not_duplicates")
    export_decisions(page, workdir)
    page.evaluate("localStorage.clear()")
    page.close()
    try:
        assert snakemake(workdir, *reviewed["config"]).returncode == 0
        assert group not in set(read_groups(workdir)["group_id"])
        page, _ = open_report(browser, workdir)
        apart = page.locator("#apart li")
        assert apart.count() == 1 and all(name in apart.first.text_content() for name in names)
        apart.first.locator("button.undo-apart").click()
        export_decisions(page, workdir)
        page.close()
        remaining = json.loads((workdir / "decisions.json").read_text())["decisions"]
        assert not [d for d in remaining if d["action"] == "not_duplicates"]
        assert snakemake(workdir, *reviewed["config"]).returncode == 0
        assert set(read_groups(workdir)["group_id"]) == groups_before
    finally:
        (workdir / "decisions.json").unlink(missing_ok=True)
        assert snakemake(workdir, *reviewed["config"]).returncode == 0
