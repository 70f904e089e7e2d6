"""What the verify stage keeps: one record per content digest, the main image's fingerprint or why
it cannot be read (`cache/verified/<2 hex>/<digest>.json`), so a rerun, a renamed or a re-imported
photo decodes nothing again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from photo_dedup.cache.layout import CacheLayout
from photo_dedup.cache.sidecar_record import Sidecar
from photo_dedup.cache.sidecar_store import SidecarStore, _read_json, _write_json
from photo_dedup.fingerprint.signature import hash_bits
from photo_dedup.fingerprint.step import FINGERPRINT_VERSION, content_record, is_current

# Bits of 64 by which a thumbnail's perceptual hash differed from its main image's, at most, on the
# real phone HEICs measured (0, 0, 0 and 4: README, Speed); the verify lists search this much wider.
THUMBNAIL_MARGIN = 4
# The words added to the reason of a photo whose main image fails where its thumbnail read.
FOUND_BY_VERIFY = "(found when its main image was decoded; its embedded thumbnail reads)"


def needs_main_image(record: Any) -> bool:
    """A readable record fingerprinted from a thumbnail whose main image is not decoded yet (older
    sidecars lack the field: their main image was decoded)."""
    return not record.get("error") and record.get("main_verified") is False


def verified_path(cache_dir: str | Path, digest: str) -> Path:
    return CacheLayout(Path(cache_dir)).verified / digest[:2] / f"{digest}.json"


def main_image_record(sidecar: Sidecar, cache_dir: str | Path, max_pixels: int) -> tuple[Sidecar, bool]:
    """The sidecar with its main image's fingerprint in place of its thumbnail's, or with the main
    image's `error`; and whether it was decoded now (False: from the verify cache).

    The file is decoded as the fingerprint step decodes any photo (decode.decode_photo: the
    container check, then the main image whole); a file no longer of the size and time it was
    fingerprinted at is unreadable ("changed since"): the next run fingerprints it anew.
    """
    store = SidecarStore(cache_dir)
    digest = sidecar["digest"]
    cached = store_read(cache_dir, digest)
    decoded = False
    if cached is None:
        path = sidecar["path"]
        try:
            stat = Path(path).stat()
            changed = stat.st_size != sidecar.get("size") or stat.st_mtime_ns != sidecar.get("mtime_ns")
        except OSError as error:
            return {**base_of(sidecar), "error": f"file cannot be read: {error.strerror}"}, False
        if changed:
            return {**base_of(sidecar), "error": "changed since it was fingerprinted: run again"}, False
        cached = content_record(path, digest, store, max_pixels, main_image=True)
        if cached.get("error"):
            cached["error"] = f"{cached['error']} {FOUND_BY_VERIFY}"
        else:
            cached["thumbnail_distance"] = _bits(sidecar.get("phash"), cached.get("phash"))
        store_write(cache_dir, digest, cached)
        decoded = True
    if cached.get("error"):
        return {**base_of(sidecar), "error": cached["error"]}, decoded
    return {**cached, **base_of(sidecar), "main_verified": True}, decoded


def base_of(sidecar: Sidecar) -> Sidecar:
    """The file's own facts: what the scan saw, not the picture."""
    keys = ("path", "size", "mtime_ns", "digest", "embedded_video")
    base: dict[str, Any] = {key: sidecar[key] for key in keys if key in sidecar}  # type: ignore[literal-required]
    return {**base, "version": FINGERPRINT_VERSION}  # type: ignore[typeddict-item]


def store_read(cache_dir: str | Path, digest: str) -> Sidecar | None:
    found = SidecarStore(cache_dir)
    record = _read_json(verified_path(cache_dir, digest))
    if record is None or not is_current(record):
        return None
    if not record.get("error") and not found.thumbnail_whole(record.get("thumbnail")):
        return None
    return record


def store_write(cache_dir: str | Path, digest: str, record: Sidecar) -> None:
    _write_json(verified_path(cache_dir, digest), record)


def _bits(a: object, b: object) -> int | None:
    if not isinstance(a, str) or not isinstance(b, str):
        return None
    return (hash_bits(a) ^ hash_bits(b)).bit_count()
