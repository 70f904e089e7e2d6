import os
import shutil

from photo_dedup.cache.sidecar_store import SidecarStore
from photo_dedup.demo import variants
from photo_dedup.fingerprint.step import fingerprint_photo
from photo_dedup.scan.walk import FileEntry


def entry(path) -> FileEntry:
    stat = os.stat(path)
    return FileEntry(str(path), stat.st_size, stat.st_mtime_ns)


def test_a_renamed_photo_costs_a_digest_not_a_decode(photos, tmp_path):
    store = SidecarStore(tmp_path / "cache")
    original = variants.save_original(photos["coffee"], tmp_path / "lib" / "a.jpg")
    first, how = fingerprint_photo(entry(original), store, 10**9)
    assert how == "decoded" and first["error"] is None
    assert fingerprint_photo(entry(original), store, 10**9)[1] == "reused"
    moved = tmp_path / "lib" / "renamed" / "b.jpg"
    moved.parent.mkdir()
    shutil.move(original, moved)
    second, how = fingerprint_photo(entry(moved), store, 10**9)
    assert how == "digest"
    assert second["phash"] == first["phash"] and second["path"] == str(moved)
    assert store.read_sidecar(str(moved)) == second


def test_a_refused_photo_is_read_once_the_limit_is_raised(photos, tmp_path):
    store = SidecarStore(tmp_path / "cache")
    path = variants.save_original(photos["coffee"], tmp_path / "a.jpg")
    refused, how = fingerprint_photo(entry(path), store, max_pixels=1000)
    assert how == "failed" and "too large" in refused["error"]
    accepted, how = fingerprint_photo(entry(path), store, max_pixels=10**9)
    assert how == "decoded" and accepted["error"] is None
    # and refused again once it is lowered (the hostile try: a rerun kept the photo read; mutant: the
    # sidecar reused whatever the limit)
    refused, how = fingerprint_photo(entry(path), store, max_pixels=1000)
    assert how == "failed" and "too large" in refused["error"]
