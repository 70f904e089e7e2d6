"""The contact sheet's HTML, without a browser: escaping, thumbnail files, order."""

from PIL import Image
from support.deletion_helpers import member

from photo_dedup.outputs.contact_sheet import render_contact_sheet
from photo_dedup.shapes import Group, Report


def test_page_escapes_names_links_thumbnail_files_and_sorts_by_savings(tmp_path):
    cache = tmp_path / "cache"
    groups = []
    for group, size in (("gsmall", 10), ("gbig", 1000)):
        members = []
        for number, name in enumerate(("keep.jpg", "<script>alert(1)</script>.jpg")):
            digest = f"{group}{number}".ljust(64, "0")
            thumbnail = f"thumbs/{digest}.jpg"
            (cache / "thumbs").mkdir(parents=True, exist_ok=True)
            Image.new("RGB", (8, 8)).save(cache / thumbnail)
            members.append(
                member(
                    path=f"/lib/{group}/{name}",
                    keep=number == 0,
                    size=size,
                    digest=digest,
                    thumbnail=thumbnail,
                    name=name,
                    folder=f"/lib/{group}",
                    width=8,
                    height=8,
                    match="keeper" if number == 0 else "looks the same",
                    reason="r",
                )  # fmt: skip
            )
        groups.append(Group(group, "copy", "r", members))
    page = tmp_path / "results" / "report.html"
    page.parent.mkdir()
    summary = {"photos_scanned": 4, "unreadable": 0, "groups": 2, "files_to_remove": 2, "bytes_to_reclaim": 1010}
    summary |= {"videos_skipped": 0, "other_files_skipped": 0}
    render_contact_sheet(Report(summary, groups, []), page, cache)
    html = page.read_text()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.jpg" in html
    assert "data:image" not in html  # thumbnails are files, not inline data
    assert len(list((page.parent / "thumbs").glob("*.jpg"))) == 4
    assert html.index('id="gbig"') < html.index('id="gsmall"')  # largest savings first
    assert "file:///lib/gbig/%3Cscript%3Ealert%281%29%3C/script%3E.jpg" in html


def test_the_page_says_which_heic_main_images_were_decoded(tmp_path):
    """The two HEIC stages on the page: the summary's counts, and on a card the photo whose main image the
    verify stage decoded (mutants: either left out of the template)."""
    members = [
        member(path="/lib/a.heic", keep=True, size=10, digest="a" * 64, match="keeper", verified_by="verify"),
        member(path="/lib/b.jpg", size=5, digest="b" * 64, match="looks the same", verified_by="fingerprint"),
    ]
    summary = {"photos_scanned": 5, "unreadable": 0, "groups": 1, "files_to_remove": 1, "bytes_to_reclaim": 5}
    summary |= {"videos_skipped": 0, "other_files_skipped": 0}
    summary["main_images"] = {"verify": "candidates", "main_images_verified": 1, "main_images_unchecked": 3}
    page = tmp_path / "results" / "report.html"
    page.parent.mkdir()
    render_contact_sheet(Report(summary, [Group("g", "copy", "r", members)], []), page, tmp_path / "cache")
    html = page.read_text()
    assert 'HEIC main images decoded / thumbnail only<b data-summary="main_images">1 / 3</b>' in html
    assert html.count("its main image decoded and checked in the verify stage") == 1
    del summary["main_images"]  # a run with no HEIC fingerprinted from a thumbnail says nothing of it
    render_contact_sheet(Report(summary, [Group("g", "copy", "r", members)], []), page, tmp_path / "cache")
    assert "HEIC main images" not in page.read_text()
