"""The two HEIC stages end to end: phone HEICs fingerprinted from their embedded thumbnails, the
main images of those in a candidate pair decoded by the verify jobs before the gather, a stale
thumbnail and a broken main image among them (main_images, fingerprint.heic_thumbnail)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from support.phone_heic import cut_inside_tiles, phone_heic, refuse_a_tile
from support.workflow_runner import jobs_run, snakemake

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def run(tmp_path_factory, photos):
    base = tmp_path_factory.mktemp("heic")
    library = base / "library"
    x, y, z, w = (
        photos[name].convert("RGB").resize((640, 480)) for name in ("astronaut", "coffee", "chelsea", "rocket")
    )
    phone_heic(library / "Phone" / "IMG_A.heic", x)
    (library / "Export").mkdir(parents=True)
    x.save(library / "Export" / "IMG_A.jpg", quality=92)
    phone_heic(library / "Phone" / "edited.heic", z, stale=y)  # main image chelsea, thumbnail coffee
    y.save(library / "Export" / "coffee.jpg", quality=92)
    phone_heic(library / "Phone" / "chelsea.heic", z)  # paired only with edited.heic's main image
    phone_heic(library / "Phone" / "alone.heic", w)
    refuse_a_tile(phone_heic(library / "Phone" / "broken.heic", x))
    cut_inside_tiles(phone_heic(library / "Phone" / "cut.heic", x))
    workdir = base / "work"
    result = snakemake(workdir, "--config", f"library={library}")
    assert result.returncode == 0, result.stdout + result.stderr
    document = json.loads((workdir / "results" / "groups.json").read_text())
    return {"library": library, "workdir": workdir, "result": result, "document": document}


def members(run) -> dict[str, dict]:
    return {Path(m["path"]).name: m for g in run["document"]["groups"] for m in g["members"]}


def group_of(run, name: str) -> set[str]:
    for group in run["document"]["groups"]:
        names = {Path(m["path"]).name for m in group["members"]}
        if name in names:
            return names
    return set()


def test_a_heic_and_its_copy_are_grouped_once_its_main_image_is_verified(run):
    assert jobs_run(run["result"], "verify_main_images") == 2 and jobs_run(run["result"], "verify_lists") == 1
    assert group_of(run, "IMG_A.heic") == {"IMG_A.heic", "IMG_A.jpg"}
    found = members(run)
    assert found["IMG_A.heic"]["verified"] is True and found["IMG_A.heic"]["verified_by"] == "verify"
    assert found["IMG_A.jpg"]["verified_by"] == "fingerprint"
    assert all(member["verified"] for member in found.values())


def test_a_stale_thumbnail_gives_way_to_the_main_image(run):
    # its thumbnail (coffee) paired it with coffee.jpg; its main image (chelsea) is what counts, and
    # pairs it with chelsea.heic, whose main image the gather then decodes too
    assert group_of(run, "edited.heic") == {"edited.heic", "chelsea.heic"}
    assert "coffee.jpg" not in group_of(run, "edited.heic")
    assert members(run)["chelsea.heic"]["verified_by"] == "verify"


def test_a_broken_main_image_and_a_cut_file_are_unreadable_and_never_grouped(run):
    unreadable = pd.read_csv(run["workdir"] / "results" / "unreadable.csv", keep_default_na=False)
    reasons = {Path(path).name: reason for path, reason in zip(unreadable["path"], unreadable["reason"], strict=True)}
    assert "main image was decoded" in reasons["broken.heic"] and "Missing grid images" in reasons["broken.heic"]
    assert reasons["cut.heic"].startswith("truncated HEIC: the main image's data ends past the end of the file")
    assert "broken.heic" not in members(run) and "cut.heic" not in members(run)


def test_a_photo_in_no_pair_keeps_its_thumbnail_fingerprint(run):
    summary = run["document"]["summary"]["main_images"]
    assert summary == {"verify": "candidates", "main_images_unchecked": 1, "main_images_verified": 3}


def test_a_rerun_redoes_nothing_and_verify_all_decodes_only_the_rest(run):
    again = snakemake(run["workdir"], "--config", f"library={run['library']}")
    assert again.returncode == 0 and "nothing changed" in again.stderr + again.stdout
    assert jobs_run(again, "verify_main_images") == 0
    full = snakemake(run["workdir"], "--config", f"library={run['library']}", "verify=all")
    assert full.returncode == 0, full.stdout + full.stderr
    assert jobs_run(full, "fingerprint_chunk") == 0
    logs = "".join(p.read_text() for p in (run["workdir"] / "logs" / "verify").glob("v*.log"))
    assert "1 decoded" in logs and "2 decoded" not in logs  # alone.heic; the others from the verify cache
    summary = json.loads((run["workdir"] / "results" / "groups.json").read_text())["summary"]["main_images"]
    assert summary == {"verify": "all", "main_images_unchecked": 0, "main_images_verified": 4}
