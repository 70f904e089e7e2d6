"""Stage 1 for HEIC: the embedded thumbnail's fingerprint, and a container check that the
thumbnail cannot stand in for (fingerprint.heic_thumbnail)."""

import os

import pytest
from PIL import Image
from support.phone_heic import cut_inside_tiles, phone_heic

from photo_dedup.cache.sidecar_store import SidecarStore
from photo_dedup.fingerprint.decode import UnreadablePhoto, decode_photo
from photo_dedup.fingerprint.heic_thumbnail import THUMBNAIL_DECODER, decode_cheapest
from photo_dedup.fingerprint.signature import compute_signature, hash_bits
from photo_dedup.fingerprint.step import WORK_SIZE, fingerprint_photo
from photo_dedup.main_images.store import needs_main_image
from photo_dedup.scan.walk import FileEntry


def entry(path) -> FileEntry:
    stat = os.stat(path)
    return FileEntry(str(path), stat.st_size, stat.st_mtime_ns)


def phash_bits(a: Image.Image, b: Image.Image) -> int:
    return (hash_bits(compute_signature(a).phash) ^ hash_bits(compute_signature(b).phash)).bit_count()


@pytest.fixture
def astronaut(photos) -> Image.Image:
    return photos["astronaut"].resize((640, 480))


def test_a_phone_heic_is_fingerprinted_from_its_thumbnail_as_from_its_main_image(astronaut, tmp_path):
    path = phone_heic(tmp_path / "IMG_0001.heic", astronaut)
    small = decode_cheapest(str(path), WORK_SIZE, 10**9)
    main = decode_photo(str(path), WORK_SIZE, 10**9)
    assert small.decoder == THUMBNAIL_DECODER and main.decoder != THUMBNAIL_DECODER
    assert (small.width, small.height, small.format) == (640, 480, "HEIF")  # the main image's size
    assert phash_bits(small.image, main.image) <= 4


def test_the_sidecar_says_the_main_image_is_not_verified_and_old_sidecars_stay_valid(astronaut, tmp_path):
    store = SidecarStore(tmp_path / "cache")
    path = phone_heic(tmp_path / "IMG_0001.heic", astronaut)
    record, how = fingerprint_photo(entry(path), store, 10**9)
    assert how == "decoded" and record["decoder"] == THUMBNAIL_DECODER and record["main_verified"] is False
    assert needs_main_image(record)
    # a sidecar of the main image, as written before the thumbnail stage: no field, reused, verified
    old = {key: value for key, value in record.items() if key != "main_verified"} | {"decoder": "full"}
    store.write_sidecar(old)
    again, how = fingerprint_photo(entry(path), store, 10**9)
    assert how == "reused" and not needs_main_image(again)


def test_a_heic_cut_inside_its_tiles_is_unreadable_though_its_thumbnail_reads(astronaut, tmp_path):
    path = cut_inside_tiles(phone_heic(tmp_path / "IMG_0002.heic", astronaut))
    with Image.open(path) as im:  # the thumbnail, stored before the tiles, is whole
        assert im.draft("RGB", (240, 180)) is not None
        im.load()
    with pytest.raises(UnreadablePhoto, match="truncated HEIC"):
        decode_cheapest(str(path), WORK_SIZE, 10**9)
    record, how = fingerprint_photo(entry(path), SidecarStore(tmp_path / "cache"), 10**9)
    assert how == "failed" and "past the end of the file" in record["error"]


def test_a_thumbnail_too_small_for_the_signature_is_not_used(astronaut, tmp_path):
    path = phone_heic(tmp_path / "IMG_0003.heic", astronaut, thumbnail=160)
    assert decode_cheapest(str(path), WORK_SIZE, 10**9).decoder != THUMBNAIL_DECODER


def test_a_heic_over_the_pixel_limit_is_refused_before_its_thumbnail(astronaut, tmp_path, monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", Image.MAX_IMAGE_PIXELS)  # the decoders set it: put it back after
    path = phone_heic(tmp_path / "IMG_0004.heic", astronaut)
    with pytest.raises(UnreadablePhoto, match="too large"):
        decode_cheapest(str(path), WORK_SIZE, 100_000)
