"""A photo's record as the gather step holds it, made from a real file (for the keeper's tests)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from PIL import Image

from photo_dedup.shapes import Photo


def file_record(path: Path, **facts: Any) -> Photo:
    """The file's format, upright size, bytes and digest, an estimated JPEG quality (95 for fine
    steps, else 40), and `facts` besides."""
    with Image.open(path) as im:
        width, height, fmt = im.width, im.height, im.format
        quality = (95 if im.quantization[0][0] <= 3 else 40) if fmt == "JPEG" else None
    record: Photo = {
        "path": str(path),
        "format": str(fmt),
        "width": width,
        "height": height,
        "size": path.stat().st_size,
        "digest": hashlib.sha256(path.read_bytes()).hexdigest(),
        "orientation": None,
        "conversion": "",
    }
    if quality is not None:
        record["jpeg_quality"] = quality
    record.update(facts)  # type: ignore[typeddict-item]
    return record
