"""Fingerprint photos into sidecars, reusing every sidecar that is still valid."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from photo_dedup.cache.atomic import replacing
from photo_dedup.cache.chunk_records import ChunkWriter
from photo_dedup.cache.digests import file_digest
from photo_dedup.cache.layout import CacheLayout
from photo_dedup.cache.sidecar_record import Sidecar
from photo_dedup.cache.sidecar_store import SidecarStore
from photo_dedup.fingerprint.decode import UnreadablePhoto, decode_photo
from photo_dedup.fingerprint.heic_thumbnail import THUMBNAIL_DECODER, decode_cheapest
from photo_dedup.fingerprint.motion_photos import AppendedVideo
from photo_dedup.fingerprint.signature import compute_signature
from photo_dedup.scan.chunks import read_manifest
from photo_dedup.scan.walk import FileEntry

log = logging.getLogger(__name__)

# Bump when the content record changes meaning, so old cache entries are redone.
FINGERPRINT_VERSION = 6  # 5: frame counts; cut-short HEIFs and RAWs unreadable. 6: HEIF's images, AVIF's frames
# Formats a version's change concerns: a record of the version before, of another format, is current.
_CHANGED_IN = {6: frozenset({"HEIF", "AVIF"})}


def is_current(record: Mapping[str, Any]) -> bool:
    """A sidecar or content record this version would write alike (no decode needed again): of this
    version, or of the one before and of a format the change does not concern (a JPEG is not decoded
    again because HEIC's images are now counted)."""
    version = record.get("version")
    if version == FINGERPRINT_VERSION:
        return True
    changed = _CHANGED_IN.get(FINGERPRINT_VERSION)
    return changed is not None and version == FINGERPRINT_VERSION - 1 and record.get("format") not in {*changed, None}


WORK_SIZE = 320  # long side of the decoded image used for hashes and the thumbnail
THUMBNAIL_QUALITY = 82


def content_record(path: str, digest: str, store: SidecarStore, max_pixels: int, main_image: bool = False) -> Sidecar:
    """Decode once and describe the bytes: format, upright size, EXIF, hashes, thumbnail.

    A HEIC is fingerprinted from its embedded thumbnail where one serves (heic_thumbnail; its record
    then has `main_verified: false` until the verify stage decodes its main image), unless
    `main_image` (the verify stage), whose thumbnail is kept beside the stage-1 one (`-main.jpg`).
    """
    try:
        decoded = (
            decode_photo(path, WORK_SIZE, max_pixels) if main_image else decode_cheapest(path, WORK_SIZE, max_pixels)
        )
    except UnreadablePhoto as error:
        return {"version": FINGERPRINT_VERSION, "error": str(error)}
    thumbnail = store.thumbnail_path(digest)
    if main_image:
        thumbnail = thumbnail.with_name(f"{digest}-main.jpg")
    with replacing(thumbnail) as tmp:
        decoded.image.save(tmp, "JPEG", quality=THUMBNAIL_QUALITY)
    exif, signature = decoded.exif, compute_signature(decoded.image)
    record: Sidecar = {
        "version": FINGERPRINT_VERSION,
        "error": None,
        "format": decoded.format,
        "width": decoded.width,
        "height": decoded.height,
        "decoder": decoded.decoder,
        "jpeg_quality": decoded.jpeg_quality,
        "jpeg_grid": decoded.jpeg_grid,
        "frames": decoded.frames,
        "tone_levels": decoded.tone_levels,
        "thumbnail": str(thumbnail.relative_to(store.root)),
        "taken": exif.taken,
        "make": exif.make,
        "model": exif.model,
        "orientation": exif.orientation,
        "software": exif.software,
        "has_gps": exif.has_gps,
        "phash": signature.phash,
        "dhash": signature.dhash,
        "luma64": signature.luma64,
        "rgb4": signature.rgb4,
        "colourfulness": signature.colourfulness,
    }
    if decoded.decoder == THUMBNAIL_DECODER:
        record["main_verified"] = False
    return record


def within(record: Mapping[str, Any], max_pixels: int) -> bool:
    """A record of a photo no larger than the limit (a lowered `max_megapixels` refuses it anew)."""
    return int(record.get("width") or 0) * int(record.get("height") or 0) <= max_pixels


def fingerprint_photo(entry: FileEntry, store: SidecarStore, max_pixels: int) -> tuple[Sidecar, str]:
    """The sidecar of one photo and how it was obtained ("reused", "digest", "decoded", "failed").

    Never raises for a bad photo: the sidecar's `error` says what went wrong.
    """
    path = entry.path
    try:
        stat = os.stat(path, follow_symlinks=False)
    except OSError as error:
        # vanished since the scan: nothing to key a sidecar by
        scanned: Sidecar = {"path": path, "size": entry.size, "mtime_ns": entry.mtime_ns}
        return _failure(scanned, f"file cannot be read: {error.strerror}"), "failed"
    previous = store.read_sidecar(path)
    if (
        previous is not None
        and previous.get("size") == stat.st_size
        and previous.get("mtime_ns") == stat.st_mtime_ns
        and is_current(previous)
        and within(previous, max_pixels)
        and "embedded_video" in previous  # older sidecars: a digest pass (no decode) finds the video
        and not previous.get("error")  # failures are tried again: a setting or a plugin may have changed
        and store.thumbnail_whole(previous.get("thumbnail"))
    ):
        return previous, "reused"
    base: Sidecar = {"path": path, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    if stat.st_size == 0:
        return _failure(base, "empty file (0 bytes)", store), "failed"
    video = AppendedVideo()
    try:
        digest = file_digest(path, video.feed)
    except OSError as error:
        return _failure(base, f"file cannot be read: {error.strerror}", store), "failed"
    content = store.read_content(digest)
    how = "digest"
    if (
        content is None
        or not is_current(content)
        or not within(content, max_pixels)
        or content.get("error")
        or not store.thumbnail_whole(content.get("thumbnail"))
    ):
        content = content_record(path, digest, store, max_pixels)
        store.write_content(digest, content)
        how = "decoded"
    record: Sidecar = {**content, **base, "digest": digest, "embedded_video": video.video_bytes}
    store.write_sidecar(record)
    return record, ("failed" if record["error"] else how)


def _failure(base: Sidecar, reason: str, store: SidecarStore | None = None) -> Sidecar:
    """The sidecar of a photo that could not be read (kept in `store` when given)."""
    record: Sidecar = {**base, "version": FINGERPRINT_VERSION, "error": reason}
    if store is not None:
        store.write_sidecar(record)
    return record


def fingerprint_photos(
    entries: Iterable[FileEntry], out_path: str | Path, cache_dir: str | Path, max_pixels: int
) -> Counter[str]:
    """Fingerprint a chunk's photos and write their sidecars, one JSON line each.

    Returns:
        How many photos were reused, digested only, decoded, or failed.
    """
    store = SidecarStore(cache_dir)
    counts: Counter[str] = Counter()
    started = time.monotonic()
    entries = list(entries)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with replacing(out_path) as tmp, ChunkWriter(tmp) as out:
        for number, entry in enumerate(entries, 1):
            record, how = fingerprint_photo(entry, store, max_pixels)
            counts[how] += 1
            out.write(record)
            if number % 100 == 0:
                log.info("%s: %d of %d photos", out_path.stem, number, len(entries))
    log.info(
        "%s: %d photos in %.1f s: %s",
        out_path.stem,
        len(entries),
        time.monotonic() - started,
        ", ".join(f"{count} {how}" for how, count in sorted(counts.items())),
    )
    return counts


def fingerprint_chunk(manifest: str, out_path: str, cache_dir: str, max_pixels: int) -> None:
    """The fingerprint step: one chunk manifest in, that chunk's sidecars out (and a progress line)."""
    started = time.monotonic()
    counts = fingerprint_photos(read_manifest(manifest), out_path, cache_dir, max_pixels)
    print(progress_line(Path(cache_dir), Path(out_path).stem, counts, time.monotonic() - started), flush=True)


def progress_line(cache_dir: Path, chunk: str, counts: Counter[str], seconds: float) -> str:
    """How far the run's fingerprinting is, with an estimate of the time left."""
    photos = sum(counts.values())
    own = f"{chunk}: {photos} photo{'' if photos == 1 else 's'} in {seconds:.1f} s ({counts['decoded']} decoded)"
    try:
        plan = json.loads((cache_dir / "progress.json").read_text(encoding="utf-8"))
        to_run: dict[str, int] = plan["chunks"]
        started = float(plan["started"])
    except (OSError, ValueError, KeyError, TypeError):
        return f"photo-dedup: fingerprinted {own}"
    done = 0
    for name, count in to_run.items():
        with contextlib.suppress(OSError):
            if CacheLayout(cache_dir).chunk_file(name).stat().st_mtime >= started:
                done += count
    total = sum(to_run.values())
    elapsed = time.time() - started
    left = elapsed / done * (total - done) if done else 0.0
    estimate = f", about {_duration(left)} left" if done < total else ""
    return f"photo-dedup: fingerprints {done} of {total} photos{estimate} ({own})"


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def photo_sidecar(photo: str, sidecar: str, cache_dir: str, max_pixels: int) -> None:
    """The single-photo step: make (or reuse) one photo's sidecar at its usual place."""
    stat = os.stat(photo, follow_symlinks=False)
    _, how = fingerprint_photo(FileEntry(photo, stat.st_size, stat.st_mtime_ns), SidecarStore(cache_dir), max_pixels)
    log.info("%s: %s", photo, how)
