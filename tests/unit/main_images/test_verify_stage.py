"""Stage 2: which photos have their main image decoded, and what their records then say
(main_images.selection, store, decode_step)."""

import json
import os
import subprocess
import sys

import pytest
from support.phone_heic import phone_heic, refuse_a_tile

from photo_dedup.cache.chunk_records import read_records
from photo_dedup.cache.sidecar_record import STALE_BITS
from photo_dedup.cache.sidecar_store import SidecarStore
from photo_dedup.fingerprint.step import fingerprint_photo
from photo_dedup.main_images.decode_step import verify_main_images
from photo_dedup.main_images.selection import balanced_lists, photos_to_verify, verify_lists
from photo_dedup.main_images.store import FOUND_BY_VERIFY, THUMBNAIL_MARGIN, main_image_record
from photo_dedup.scan.walk import FileEntry


def entry(path) -> FileEntry:
    stat = os.stat(path)
    return FileEntry(str(path), stat.st_size, stat.st_mtime_ns)


def record(path: str, phash: int, thumbnail: bool, size: int = 1000, dhash: int | None = None) -> dict:
    flags = {"main_verified": False} if thumbnail else {}
    far = dhash if dhash is not None else (phash * 0x9E3779B97F4A7C15) & (2**64 - 1)  # unrelated dhashes
    return {"path": path, "error": None, "phash": f"{phash:016x}", "dhash": f"{far:016x}", "size": size, **flags}


def test_a_thumbnail_photo_is_listed_when_in_a_candidate_pair_searched_wider_by_the_margin():
    assert THUMBNAIL_MARGIN == 4  # the most a real thumbnail's pHash lay from its main image's
    near = 0xFFFF_0000_FFFF_0000
    within_margin = near ^ ((1 << 11) - 1)  # 11 bits from `near`: max_hash_distance 7 + the margin of 4
    records = [
        record("/a.heic", near, thumbnail=True),
        record("/a.jpg", within_margin, thumbnail=False),  # its main image: paired with a.heic
        record("/alone.heic", 0x0123_4567_89AB_CDEF, thumbnail=True),
        record("/b.jpg", 0x0F0F_0F0F_0F0F_0F0F, thumbnail=False),
        record("/c.jpg", 0x0F0F_0F0F_0F0F_0F0F, thumbnail=False),  # a pair of main images: nothing to decode
        {"path": "/broken.heic", "error": "truncated HEIC", "main_verified": False},
    ]
    assert [r["path"] for r in photos_to_verify(records, "candidates", 7)] == ["/a.heic"]
    assert [r["path"] for r in photos_to_verify(records, "all", 7)] == ["/a.heic", "/alone.heic"]


def test_byte_copies_from_thumbnails_are_listed_both():
    records = [record("/x/1.heic", 5, True, dhash=1), record("/y/1.heic", 5, True, dhash=1)]
    assert len(photos_to_verify(records, "candidates", 0)) == 2


def test_lists_are_balanced_by_bytes_and_sorted_by_path():
    records = [record(f"/p{n}.heic", n, True, size=size) for n, size in enumerate([9, 1, 5, 5, 4, 3, 2, 1])]
    lists = balanced_lists(records, 3)
    loads = [sum(r["size"] for r in found) for found in lists]
    assert max(loads) - min(loads) <= 1 and sum(loads) == 30
    assert all([r["path"] for r in found] == sorted(r["path"] for r in found) for found in lists)
    assert balanced_lists(records, 3) == lists


@pytest.fixture
def astronaut(photos):
    return photos["astronaut"].resize((640, 480))


def test_a_main_image_that_fails_makes_the_photo_unreadable_once_and_is_cached(astronaut, tmp_path):
    store = SidecarStore(tmp_path / "cache")
    path = refuse_a_tile(phone_heic(tmp_path / "IMG_0005.heic", astronaut))
    sidecar, how = fingerprint_photo(entry(path), store, 10**9)
    assert how == "decoded" and sidecar["main_verified"] is False  # stage 1 sees a whole file
    verified, decoded = main_image_record(sidecar, tmp_path / "cache", 10**9)
    assert decoded and "Missing grid images" in verified["error"] and FOUND_BY_VERIFY in verified["error"]
    again, decoded = main_image_record(sidecar, tmp_path / "cache", 10**9)
    assert not decoded and again == verified


def test_a_stale_thumbnail_gives_way_to_the_main_images_signature(photos, astronaut, tmp_path):
    store = SidecarStore(tmp_path / "cache")
    coffee = photos["coffee"].resize((640, 480))
    path = phone_heic(tmp_path / "edited.heic", astronaut, stale=coffee)
    sidecar, _ = fingerprint_photo(entry(path), store, 10**9)
    honest, _ = fingerprint_photo(entry(phone_heic(tmp_path / "astronaut.heic", astronaut)), store, 10**9)
    verified, _ = main_image_record(sidecar, tmp_path / "cache", 10**9)
    assert verified["main_verified"] is True and verified["thumbnail_distance"] > STALE_BITS
    assert verified["phash"] != sidecar["phash"]
    assert (int(verified["phash"], 16) ^ int(honest["phash"], 16)).bit_count() <= 4
    assert verified["thumbnail"].endswith("-main.jpg") and (tmp_path / "cache" / verified["thumbnail"]).is_file()


def test_a_file_cut_after_its_fingerprint_is_unreadable_in_the_verify_job(astronaut, tmp_path):
    cache = tmp_path / "cache"
    path = phone_heic(tmp_path / "IMG_0006.heic", astronaut)
    sidecar, _ = fingerprint_photo(entry(path), SidecarStore(cache), 10**9)
    chunk = tmp_path / "c00000.jsonl"
    from photo_dedup.cache.chunk_records import ChunkWriter

    with ChunkWriter(chunk) as out:
        out.write(sidecar)
    lists = [tmp_path / "lists" / "v00000.jsonl", tmp_path / "lists" / "v00001.jsonl"]
    verify_lists([str(chunk)], [str(p) for p in lists], "all", 7)
    path.write_bytes(path.read_bytes()[:-5000])  # a sync still writing it, say
    verified = tmp_path / "results" / "v00000.jsonl"
    source = next(p for p in lists if list(read_records(p)))
    counts = verify_main_images(str(source), str(verified), str(cache), 10**9)
    (result,) = list(read_records(verified))
    assert counts["failed"] == 1 and "changed since" in result["error"]
    json.dumps(result)  # a plain record


def test_the_two_verify_steps_import_neither_pandas_nor_scipy() -> None:
    """Both steps run before the gather, each in its own interpreter: the list step loaded both
    through the hash search and iter_sidecars (0.69 s of imports, now 0.27 s)."""
    modules = "photo_dedup.main_images.selection, photo_dedup.main_images.decode_step"
    code = f"import sys, {modules}; print(sorted({{'pandas', 'scipy'}} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
