"""The kept copy inherits what the removed copies knew, end to end (issue 24).

A library of real photos: a Masters folder of camera JPEGs with EXIF, and a Google Takeout folder of
re-encoded, EXIF-stripped copies whose Takeout JSON holds times, places, captions and people, with
XMP sidecars (written by ExifTool) holding ratings and keywords. The real workflow finds the
groups; the real deletion script, under dash and bash, writes what each keeper lacks into its
NAME.EXT.xmp through ExifTool; restore.sh puts the library back byte for byte.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image
from support.deletion_helpers import snapshot
from support.workflow_runner import snakemake

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("exiftool") is None, reason="needs exiftool (libimage-exiftool-perl)"),
]

EXIF_IFD, GPS_IFD = 0x8769, 0x8825


def dms(value: float) -> tuple[float, float, float]:
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    return (float(degrees), float(minutes), round((value - degrees - minutes / 60) * 3600, 4))


def camera_jpeg(photo: Image.Image, path: Path, taken: str | None, offset: str | None, gps=None) -> None:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Canon", "Canon EOS 5D Mark IV"
    if taken:
        exif.get_ifd(EXIF_IFD)[0x9003] = taken
    if offset:
        exif.get_ifd(EXIF_IFD)[0x9011] = offset
    if gps:
        ifd = exif.get_ifd(GPS_IFD)
        ifd[1], ifd[2] = ("N" if gps[0] >= 0 else "S"), dms(gps[0])
        ifd[3], ifd[4] = ("E" if gps[1] >= 0 else "W"), dms(gps[1])
    path.parent.mkdir(parents=True, exist_ok=True)
    photo.save(path, "JPEG", quality=95, exif=exif)


def takeout_copy(photo: Image.Image, path: Path, json_facts: dict) -> None:
    """Google's re-encoded download: no EXIF at all, its facts in the JSON beside it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    photo.save(path, "JPEG", quality=80)
    document = {"title": path.name, **json_facts}
    (path.parent / (path.name + ".json")).write_text(json.dumps(document), encoding="utf-8")


def timestamp(utc: str) -> dict:
    return {"timestamp": str(int(datetime.fromisoformat(utc).replace(tzinfo=UTC).timestamp()))}


def exiftool_write(target: Path, *assignments: str) -> None:
    subprocess.run(["exiftool", "-q", "-o", str(target), *assignments], check=True)


def read_xmp(path: Path) -> dict:
    done = subprocess.run(["exiftool", "-j", "-n", "-G1", "-struct", str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)[0]


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


@pytest.fixture(scope="module")
def library(tmp_path_factory, photos):
    base = tmp_path_factory.mktemp("inherit")
    root = base / "library"
    masters, takeout = root / "Masters", root / "Takeout" / "Google Photos" / "Photos from 2020"
    # A: the camera's time (with its offset) and place; the Takeout copy agrees on both, and adds
    # a caption and people (JSON) and a rating and keywords (its editor's NAME.EXT.xmp)
    camera_jpeg(photos["astronaut"], masters / "IMG_0001.jpg", "2020:05:01 14:00:00", "+02:00", (48.8584, 2.2945))
    takeout_copy(
        photos["astronaut"],
        takeout / "IMG_0001.jpg",
        {
            "description": "Eileen on the launch pad, it's 'day one'",
            "photoTakenTime": timestamp("2020-05-01T12:00:00"),
            "geoData": {"latitude": 48.8584, "longitude": 2.2945, "altitude": 0.0},
            "people": [{"name": "Eileen Collins"}, {"name": "Bob"}],
        },
    )
    keywords = ("-XMP-dc:Subject=space", "-XMP-dc:Subject=portrait")
    exiftool_write(takeout / "IMG_0001.jpg.xmp", "-XMP-xmp:Rating=4", *keywords)
    # B: no GPS in the camera's file; the Takeout JSON has the place, a caption and another
    # capture time (a conflict: listed, not written); a Lightroom-style NAME.xmp holds a keyword.
    # The kept photo already has a sidecar of its own, whose content must survive the merge.
    camera_jpeg(photos["coffee"], masters / "IMG_0002.jpg", "2020:05:02 09:30:00", None)
    takeout_copy(
        photos["coffee"],
        takeout / "IMG_0002.jpg",
        {
            "description": "Flat white\nat the corner café",
            "photoTakenTime": timestamp("2019-03-04T08:00:00"),
            "geoData": {"latitude": -33.8688, "longitude": 151.2093, "altitude": 3.0},
        },
    )
    exiftool_write(takeout / "IMG_0002.xmp", "-XMP-dc:Subject=coffee")
    exiftool_write(masters / "IMG_0002.jpg.xmp", "-XMP-dc:Creator=Me", "-XMP-dc:Subject=morning", "-XMP-xmp:Label=Blue")
    # C: the camera's file has no capture time; the Takeout JSON has it (UTC), a place, a person
    # and the favourite mark (5 stars), while an exported copy's sidecar rates it 2 (a conflict)
    camera_jpeg(photos["chelsea"], masters / "IMG_0003.jpg", None, None)
    takeout_copy(
        photos["chelsea"],
        takeout / "IMG_0003.jpg",
        {
            "photoTakenTime": timestamp("2020-06-07T18:45:10"),
            "geoData": {"latitude": 51.5007, "longitude": -0.1246, "altitude": 0.0},
            "people": [{"name": "Chelsea"}],
            "favorited": True,
        },
    )
    exported = root / "Exports" / "IMG_0003 (1).jpg"
    exported.parent.mkdir(parents=True)
    photos["chelsea"].resize((300, 200)).save(exported, "JPEG", quality=90)
    exiftool_write(root / "Exports" / "IMG_0003 (1).jpg.xmp", "-XMP-xmp:Rating=2", "-XMP-dc:Subject=cat")
    workdir = base / "work"
    before = snapshot(root)
    result = snakemake(workdir, "--config", f"library={root}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert snapshot(root) == before  # the run wrote nothing inside the library
    groups = json.loads((workdir / "results" / "groups.json").read_text(encoding="utf-8"))
    keepers = {
        Path(member["path"]).name: member
        for group in groups["groups"]
        for member in group["members"]
        if member["match"] == "keeper"
    }
    return {"root": root, "masters": masters, "workdir": workdir, "before": before, "keepers": keepers}


def test_the_gather_step_says_what_each_keeper_inherits_and_from_where(library):
    keepers = library["keepers"]
    assert set(keepers) == {"IMG_0001.jpg", "IMG_0002.jpg", "IMG_0003.jpg"}
    assert all(Path(member["path"]).parent == library["masters"] for member in keepers.values())
    first = keepers["IMG_0001.jpg"]
    for words in ("caption", "people", "keywords", "rating"):
        assert words in first["keeper_lacks"]
    assert "GPS" not in first["keeper_lacks"] and "capture time" not in first["keeper_lacks"]
    assert "Eileen Collins, Bob" in first["inherits"] or "Bob, Eileen Collins" in first["inherits"]
    assert (
        "from Takeout JSON " + str(library["root"] / "Takeout/Google Photos/Photos from 2020/IMG_0001.jpg.json")
        in (first["inherits"])
    )
    assert (
        "XMP sidecar " + str(library["root"] / "Takeout/Google Photos/Photos from 2020/IMG_0001.jpg.xmp")
        in (first["inherits"])
    )
    assert first["metadata_conflicts"] == ""  # the UTC time and the local time with +02:00 agree
    second = keepers["IMG_0002.jpg"]
    assert "capture time" in second["metadata_conflicts"] and "2019-03-04" in second["metadata_conflicts"]
    assert "taken" not in second["inherit"]["values"]
    assert second["inherit"]["values"]["keywords"] == ["coffee"]  # "morning" is its own already
    assert second["inherit"]["sidecar"] == str(library["masters"] / "IMG_0002.jpg.xmp")
    third = keepers["IMG_0003.jpg"]
    assert third["inherit"]["values"]["taken"] == "2020-06-07T18:45:10+00:00"
    assert "rating" in third["metadata_conflicts"] and "rating" not in third["inherit"]["values"]
    csv_text = (library["workdir"] / "results" / "groups.csv").read_text(encoding="utf-8")
    assert "inherits" in csv_text.splitlines()[0] and "Flat white" in csv_text
    page = (library["workdir"] / "results" / "report.html").read_text(encoding="utf-8")
    assert 'class="note inherits">inherits caption “Eileen on the launch pad, it&#39;s &#39;day one&#39;” from' in page
    assert "conflicts, not written: capture time: 2020-05-02 09:30:00" in page


def run_script(library, shell: str, *args: str, path: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    if path is not None:
        env["PATH"] = path
    script = library["workdir"] / "results" / "delete-duplicates.sh"
    return subprocess.run([shell, str(script), "-y", *args], capture_output=True, text=True, env=env)


def restore(library, shell: str, quarantine: Path) -> str:
    done = subprocess.run([shell, str(quarantine / "restore.sh")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert snapshot(library["root"]) == library["before"], done.stdout
    return done.stdout


@pytest.mark.parametrize("shell", ["dash", "bash"])
def test_every_fact_of_a_removed_copy_is_readable_from_its_keeper_and_restore_undoes_it(library, shell, tmp_path):
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    masters, quarantine = library["masters"], tmp_path / "quarantine"
    photo_bytes = {name: (masters / name).read_bytes() for name in ("IMG_0001.jpg", "IMG_0002.jpg", "IMG_0003.jpg")}
    done = run_script(library, shell, "--quarantine", str(quarantine))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Metadata: 3 kept photo(s)" in done.stdout
    for name, data in photo_bytes.items():
        assert (masters / name).read_bytes() == data  # the photo file itself is never rewritten
    first = read_xmp(masters / "IMG_0001.jpg.xmp")
    assert first["XMP-dc:Description"] == "Eileen on the launch pad, it's 'day one'"
    assert sorted(as_list(first["XMP-iptcExt:PersonInImage"])) == ["Bob", "Eileen Collins"]
    assert sorted(as_list(first["XMP-dc:Subject"])) == ["portrait", "space"]
    assert first["XMP-xmp:Rating"] == 4
    second = read_xmp(masters / "IMG_0002.jpg.xmp")
    assert second["XMP-dc:Description"] == "Flat white\nat the corner café"
    assert abs(second["XMP-exif:GPSLatitude"] - -33.8688) < 1e-5
    assert abs(second["XMP-exif:GPSLongitude"] - 151.2093) < 1e-5
    assert "XMP-exif:DateTimeOriginal" not in second  # the conflicting time is not written
    third = read_xmp(masters / "IMG_0003.jpg.xmp")
    assert third["XMP-exif:DateTimeOriginal"] == "2020:06:07 18:45:10+00:00"
    assert abs(third["XMP-exif:GPSLatitude"] - 51.5007) < 1e-5 and abs(third["XMP-exif:GPSLongitude"] - -0.1246) < 1e-5
    assert as_list(third["XMP-iptcExt:PersonInImage"]) == ["Chelsea"]
    assert as_list(third["XMP-dc:Subject"]) == ["cat"]
    assert "XMP-xmp:Rating" not in third  # 5 (favourite) against 2: a conflict, not written
    again = run_script(library, shell, "--quarantine", str(quarantine))  # a rerun is harmless
    assert again.returncode == 0 and "already written" in again.stdout, again.stdout + again.stderr
    said = restore(library, shell, quarantine)
    assert "undid 3 metadata write(s)" in said
    assert not (masters / "IMG_0001.jpg.xmp").exists()


def test_an_existing_sidecar_keeps_its_content_and_is_restored_byte_identical(library, tmp_path):
    sidecar = library["masters"] / "IMG_0002.jpg.xmp"
    original = sidecar.read_bytes()
    quarantine = tmp_path / "quarantine"
    done = run_script(library, "sh", "--quarantine", str(quarantine))
    assert done.returncode == 0, done.stdout + done.stderr
    merged = read_xmp(sidecar)
    assert as_list(merged["XMP-dc:Creator"]) == ["Me"] and merged["XMP-xmp:Label"] == "Blue"
    assert sorted(as_list(merged["XMP-dc:Subject"])) == ["coffee", "morning"]
    assert merged["XMP-dc:Description"] == "Flat white\nat the corner café"
    backups = list((quarantine / "sidecars").iterdir())  # the sidecar as it was, kept for restore.sh
    assert [backup.read_bytes() for backup in backups] == [original]
    restore(library, "sh", quarantine)
    assert sidecar.read_bytes() == original


def test_the_dry_run_shows_what_it_would_write_and_writes_nothing(library, tmp_path):
    done = run_script(library, "dash", "-n", "--quarantine", str(tmp_path / "q"))
    assert done.returncode == 0, done.stdout + done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("would write into ")]
    assert len(lines) == 3
    first = next(line for line in lines if "IMG_0001.jpg.xmp:" in line)
    assert "caption “Eileen on the launch pad, it's 'day one'”" in first and "rating 4 stars" in first
    disagree = [line for line in done.stdout.splitlines() if line.startswith("  not written, the copies disagree: ")]
    assert len(disagree) == 2 and any("capture time: 2020-05-02 09:30:00" in line for line in disagree)
    assert snapshot(library["root"]) == library["before"] and not (tmp_path / "q").exists()


def test_no_metadata_and_a_missing_exiftool_write_nothing_but_still_move(library, tmp_path):
    done = run_script(library, "dash", "--no-metadata", "--quarantine", str(tmp_path / "q1"))
    assert done.returncode == 0 and "moved: " in done.stdout, done.stdout + done.stderr
    assert not (library["masters"] / "IMG_0001.jpg.xmp").exists() and "wrote into" not in done.stdout
    restore(library, "dash", tmp_path / "q1")
    tools = tmp_path / "bin"  # every program of this machine but exiftool
    tools.mkdir()
    for folder in ("/usr/local/bin", "/usr/bin", "/bin"):
        for program in Path(folder).iterdir() if Path(folder).is_dir() else []:
            if program.name != "exiftool" and not (tools / program.name).exists():
                (tools / program.name).symlink_to(program)
    done = run_script(library, "dash", "--quarantine", str(tmp_path / "q2"), path=str(tools))
    assert done.returncode == 0, done.stdout + done.stderr
    missing = [line for line in done.stdout.splitlines() if "exiftool" in line]
    assert len(missing) == 1 and "not installed" in missing[0], done.stdout
    assert "moved: " in done.stdout and not (library["masters"] / "IMG_0001.jpg.xmp").exists()
    restore(library, "dash", tmp_path / "q2")


def test_a_run_killed_while_writing_sidecars_finishes_on_rerun_and_restores_byte_identical(library, tmp_path):
    """Killed at each checkpoint of the sidecar writes (the last six: journalled, then in place), run
    again: every sidecar holds what it inherits, and restore.sh still leaves the library as it was."""
    script = library["workdir"] / "results" / "delete-duplicates.sh"
    traced = subprocess.run(
        ["dash", "-x", str(script), "-y", "--quarantine", str(tmp_path / "q0")], capture_output=True
    )
    assert traced.returncode == 0, traced.stderr
    steps = traced.stderr.count(b"+ checkpoint\n")
    restore(library, "dash", tmp_path / "q0")
    for step in range(steps - 5, steps + 1):
        quarantine = tmp_path / f"q{step}"
        env = {**os.environ, "PHOTO_DEDUP_TEST_KILL_AT": str(step)}
        killed = subprocess.run(
            ["dash", str(script), "-y", "--quarantine", str(quarantine)], capture_output=True, env=env
        )
        assert killed.returncode in (-9, 137), killed.stdout
        assert killed.stdout.count(b"wrote into ") == (step - (steps - 5)) // 2  # it died inside a sidecar write
        done = run_script(library, "dash", "--quarantine", str(quarantine))
        assert done.returncode == 0, done.stdout + done.stderr
        assert read_xmp(library["masters"] / "IMG_0001.jpg.xmp")["XMP-xmp:Rating"] == 4
        merged = read_xmp(library["masters"] / "IMG_0002.jpg.xmp")
        assert sorted(as_list(merged["XMP-dc:Subject"])) == ["coffee", "morning"]
        assert as_list(read_xmp(library["masters"] / "IMG_0003.jpg.xmp")["XMP-iptcExt:PersonInImage"]) == ["Chelsea"]
        restore(library, "dash", quarantine)


def test_a_kept_photo_whose_copies_all_stay_inherits_nothing(library, tmp_path):
    copy = library["root"] / "Takeout/Google Photos/Photos from 2020/IMG_0001.jpg"
    original = copy.read_bytes()
    copy.write_bytes(original + b"\0")  # changed since the analysis: the script leaves it in place
    try:
        done = run_script(library, "bash", "--quarantine", str(tmp_path / "q"))
        assert done.returncode == 1 and "SKIP: the duplicate changed" in done.stdout, done.stdout + done.stderr
        assert not (library["masters"] / "IMG_0001.jpg.xmp").exists()  # its copy stays, and all it knew
        assert "Metadata: 2 kept photo(s)" in done.stdout
    finally:
        copy.write_bytes(original)
    restore(library, "bash", tmp_path / "q")


@pytest.mark.parametrize("shell", ["dash", "bash"])
def test_copies_stay_when_what_they_know_cannot_be_written_beside_the_keeper(library, shell, tmp_path):
    """The hostile try: a folder where IMG_0001.jpg's sidecar must go; the copies had been moved
    anyway and what they knew was left only in the quarantine (the mutant: no can_inherit)."""
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    blocker = library["masters"] / "IMG_0001.jpg.xmp"
    blocker.mkdir()
    try:
        plan = run_script(library, shell, "-n", "--quarantine", str(tmp_path / "q"))
        assert "would NOT write into" in plan.stdout or "so it stays: " in plan.stdout, plan.stdout
        done = run_script(library, shell, "--quarantine", str(tmp_path / "q"))
        stays = [line for line in done.stdout.splitlines() if "so it stays: " in line]
        assert stays and all("IMG_0001" in line for line in stays), done.stdout
        moved = [line for line in done.stdout.splitlines() if line.startswith("moved: ")]
        assert moved and not any("IMG_0001" in line for line in moved)
        assert "Metadata: 2 kept photo(s)" in done.stdout
        restore(library, shell, tmp_path / "q")
    finally:
        blocker.rmdir()
