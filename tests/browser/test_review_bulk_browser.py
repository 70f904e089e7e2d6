"""Issue 21's review controls in Debian's Chromium, then a real rerun: where each copy lives, "not a
copy" per photo, "keep copies in this folder", "accept all proposals in view", the "needs a look"
filters from the summary tiles, Home and End."""

from __future__ import annotations

import json
import threading

import pytest
from support.browser import (  # noqa: F401 - the browser fixture and marks
    export_decisions,
    open_report,
    pytestmark,
    read_groups,
)
from support.library_factory import build_library
from support.workflow_runner import snakemake

from photo_dedup.review.server import make_server


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    base = tmp_path_factory.mktemp("bulk")
    library = build_library(base / "library")
    workdir = base / "work"
    result = snakemake(workdir, "--config", f"library={library.root}")
    assert result.returncode == 0, result.stderr
    return {"library": library.root, "workdir": workdir, "config": ["--config", f"library={library.root}"]}


def figure(page, path) -> str:
    return f"section.group figure.member[data-path='{path}']"


def shown_ids(page) -> list[str]:
    return page.eval_on_selector_all("section.group:not(.hidden)", "cards => cards.map(c => c.id)")


def test_bulk_actions_not_a_copy_filters_and_keys_then_a_rerun(browser, reviewed):  # noqa: F811 - the fixture
    workdir, library = reviewed["workdir"], reviewed["library"]
    rows = read_groups(workdir)
    copies = rows[rows["relation"] == "copy"]
    small, takeout = library / "Exports" / "astronaut-small.jpg", library / "Takeout"
    astronaut = copies[copies["path"] == str(small)]["group_id"].iloc[0]
    page, dialogs = open_report(browser, workdir)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # where each copy lives: relative to the library root, full path on hover
    place = page.locator(f"{figure(page, small)} .folder")
    assert place.text_content() == "…/Exports" and place.get_attribute("title") == str(small)
    assert page.locator(f"{figure(page, small)} .name").text_content() == "astronaut-small.jpg"
    page.click(f"#{astronaut} button.compare")  # and the compare view names every full path
    labels = page.eval_on_selector_all("#compare .label", "labels => labels.map(l => l.textContent)")
    assert any(label.endswith(" · " + str(small)) for label in labels)
    page.keyboard.press("Escape")

    # Home and End: the first and last group shown
    page.keyboard.press("End")
    assert page.eval_on_selector("section.group.current", "c => c.id") == shown_ids(page)[-1]
    page.keyboard.press("Home")
    assert page.eval_on_selector("section.group.current", "c => c.id") == shown_ids(page)[0]

    # "not a copy": one photo out of its group; the rest stay a group
    page.click(f"{figure(page, small)} button.not-copy")
    assert page.text_content(f"{figure(page, small)} .badge") == "not a copy"
    assert page.locator(f"#{astronaut} figure.member.keep").count() == 2  # it, and the keeper

    # "keep copies in this folder", from the Takeout copy: every group with a copy there keeps it
    in_takeout = copies[copies["path"].str.startswith(str(takeout) + "/")]
    page.click(f"{figure(page, in_takeout['path'].iloc[0])} button.prefer")
    kept = page.eval_on_selector_all(
        "section.group[data-relation=copy] figure.member.keep:not(.apart)", "f => f.map(x => x.dataset.path)"
    )
    assert set(in_takeout["path"]) <= set(kept) and len(in_takeout["group_id"].unique()) == 2
    assert f"{len(in_takeout)} group(s) changed" in page.text_content("#status")

    # "needs a look" from a summary tile: the groups with a conversion, exactly
    with_conversion = set(rows[rows["conversion"] != ""]["group_id"])
    page.click("[data-look-tile=conversion]")
    assert set(shown_ids(page)) == with_conversion and page.input_value("#look") == "conversion"
    page.keyboard.press("End")
    assert page.eval_on_selector("section.group.current", "c => c.id") == shown_ids(page)[-1]

    # "accept all proposals in view", among the groups whose kept copy lacks metadata (from their
    # tile): each group shown gets the keeper it shows as your choice
    lacking = set(rows[rows["keeper_lacks"] != ""]["group_id"])
    page.click("[data-look-tile=lacks]")
    assert set(shown_ids(page)) == lacking and lacking.isdisjoint(in_takeout["group_id"])
    shown_keepers = page.eval_on_selector_all(
        "section.group:not(.hidden)",
        "cards => cards.map(c => [c.id, c.dataset.relation, "
        "(c.querySelector('figure.member.keep:not(.apart) input:checked') || {closest: () => ({dataset: {}})})"
        ".closest('figure').dataset.path])",
    )
    page.click("#accept-view")
    page.select_option("#look", "yours")
    assert set(shown_ids(page)) == lacking | set(in_takeout["group_id"])
    page.click("[data-look-tile='']")
    assert len(shown_ids(page)) == page.locator("section.group").count()
    export_decisions(page, workdir)
    page.evaluate("localStorage.clear()")
    page.close()
    assert errors == [] and dialogs == []

    saved = json.loads((workdir / "decisions.json").read_text())
    assert saved["version"] == 2 and saved["preferred_roots"] == [str(takeout)]
    apart = [d for d in saved["decisions"] if d["action"] == "not_a_copy"]
    small_digest = copies[copies["path"] == str(small)]["digest"].iloc[0]
    assert [(d["photo"], d["group_id"]) for d in apart] == [(small_digest, astronaut)]
    assert set(apart[0]["members"]) == set(copies[copies["group_id"] == astronaut]["digest"])
    keeps = {d["group_id"]: d.get("keeper_path") for d in saved["decisions"] if d["action"] in ("keep", "keep_all")}
    copy_keepers = {group: path for group, relation, path in shown_keepers if relation == "copy"}
    assert set(keeps) == lacking and {g: keeps[g] for g in copy_keepers} == copy_keepers

    try:
        result = snakemake(workdir, *reviewed["config"])
        assert result.returncode == 0, result.stderr
        after = read_groups(workdir)
        copies_after = after[after["relation"] == "copy"]
        # the photo is out of its group; the others are still one group around the same original
        group_of = dict(zip(copies_after["path"], copies_after["group_id"], strict=True))
        others = set(copies[copies["group_id"] == astronaut]["path"]) - {str(small)}
        assert len({group_of[path] for path in others}) == 1
        assert group_of.get(str(small)) != group_of[next(iter(others))]
        # the Takeout copies are kept, as the page showed, and say why
        keepers = copies_after[copies_after["match"] == "keeper"].set_index("path")
        for path in in_takeout["path"]:
            assert keepers.loc[path, "reason"] == "your choice"
        # the proposals accepted are kept as your choice
        for path in copy_keepers.values():
            assert keepers.loc[path, "reason"] == "your choice"

        # the next review shows the decisions: the folder with an undo, the photo under "Kept apart"
        page, _ = open_report(browser, workdir)
        assert f"keep the copies in {takeout}" in page.text_content("#decision-list")
        item = page.locator("#apart li", has_text="astronaut-small.jpg")
        assert "not a copy" in item.text_content()
        item.locator("button.undo-apart").click()
        page.click("#decision-list li:has-text('keep the copies in') button.undo")
        export_decisions(page, workdir)
        page.evaluate("localStorage.clear()")
        page.close()
        saved = json.loads((workdir / "decisions.json").read_text())
        assert saved["preferred_roots"] == [] and not [d for d in saved["decisions"] if d["action"] == "not_a_copy"]
    finally:
        (workdir / "decisions.json").unlink(missing_ok=True)
        assert snakemake(workdir, *reviewed["config"]).returncode == 0


def test_the_review_server_saves_not_a_copy_and_the_folders(browser, reviewed):  # noqa: F811 - the fixture
    workdir, library = reviewed["workdir"], reviewed["library"]
    small = library / "Exports" / "astronaut-small.jpg"
    server = make_server(workdir)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page = browser.new_page()
        page.goto(server.url)
        page.click(f"{figure(page, small)} button.not-copy")
        page.click(f"{figure(page, small)} button.prefer")
        page.click("#accept-view")  # every group: edits and similar shots keep all, copies their keeper
        page.click("#save")
        page.wait_for_function("document.getElementById('status').textContent.startsWith('saved')")
        assert "1 folder(s) to keep" in page.text_content("#status")
        saved = json.loads((workdir / "decisions.json").read_text())
        assert saved["version"] == 2 and saved["preferred_roots"] == [str(small.parent)]
        assert [d["photo_path"] for d in saved["decisions"] if d["action"] == "not_a_copy"] == [str(small)]
        rows = read_groups(workdir)
        relation = dict(zip(rows["group_id"], rows["relation"], strict=False))
        accepted = {d["group_id"]: d["action"] for d in saved["decisions"] if d["action"] != "not_a_copy"}
        assert accepted == {group: "keep" if kind == "copy" else "keep_all" for group, kind in relation.items()}
        assert "edit" in relation.values()
        page.evaluate("localStorage.clear()")
        page.close()
    finally:
        server.shutdown()
        server.server_close()
        (workdir / "decisions.json").unlink(missing_ok=True)
