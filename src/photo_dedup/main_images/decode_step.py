"""The verify jobs: decode the main image of each listed photo (or reuse its verified record)."""

from __future__ import annotations

import logging
import time
from collections import Counter
from pathlib import Path

from photo_dedup.cache.atomic import replacing
from photo_dedup.cache.chunk_records import ChunkWriter, read_records
from photo_dedup.cache.sidecar_record import is_stale
from photo_dedup.main_images.store import main_image_record

log = logging.getLogger(__name__)


def verify_main_images(photos: str, verified: str, cache_dir: str, max_pixels: int) -> Counter[str]:
    """The verify step: one list in; its photos' sidecars out, each with its main image's fingerprint
    or its `error` (checked like a chunk file).

    Returns:
        How many were decoded, reused, failed, or showed a stale thumbnail.
    """
    started = time.monotonic()
    counts: Counter[str] = Counter()
    Path(verified).parent.mkdir(parents=True, exist_ok=True)
    with replacing(verified) as tmp, ChunkWriter(tmp) as out:
        for sidecar in read_records(photos):
            record, decoded = main_image_record(sidecar, cache_dir, max_pixels)
            counts["decoded" if decoded else "reused"] += 1
            if record.get("error"):
                counts["failed"] += 1
                log.info("%s: %s", record["path"], record["error"])
            elif is_stale(record):
                counts["stale thumbnail"] += 1
                log.info(
                    "%s: its thumbnail shows another picture (%s bits)",
                    record["path"],
                    record.get("thumbnail_distance"),
                )
            out.write(record)
    log.info(
        "%s: %d main images in %.1f s: %s",
        Path(verified).stem,
        sum(counts[k] for k in ("decoded", "reused")),
        time.monotonic() - started,
        ", ".join(f"{count} {how}" for how, count in sorted(counts.items())) or "none",
    )
    return counts
