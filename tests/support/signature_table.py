"""A PhotoTable made straight from images, with their real signatures (no files, no workflow)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from PIL import Image

from photo_dedup.fingerprint.signature import compute_signature, decode_colours, decode_luma, hash_bits
from photo_dedup.match.photo_table import COLUMNS, PhotoTable


def table_of(images: list[Image.Image], facts: list[dict[str, Any]] | None = None) -> PhotoTable:
    """Photo i is /lib/i.jpg (digest d<i>, a size falling with i), with facts[i] added to its row."""
    signatures = [compute_signature(image) for image in images]
    rows = []
    for i, (image, signature) in enumerate(zip(images, signatures, strict=True)):
        row = dict.fromkeys(COLUMNS)
        row.update(path=f"/lib/{i}.jpg", digest=f"d{i}", size=1000 - i, format="JPEG")
        row.update(width=image.width, height=image.height, colourfulness=signature.colourfulness)
        row.update((facts or [{}] * len(images))[i])
        rows.append(row)
    return PhotoTable(
        photos=pd.DataFrame(rows, columns=COLUMNS),
        phash=np.array([hash_bits(s.phash) for s in signatures], dtype=np.uint64),
        dhash=np.array([hash_bits(s.dhash) for s in signatures], dtype=np.uint64),
        luma=np.stack([decode_luma(s.luma64) for s in signatures]),
        colours=np.stack([decode_colours(s.rgb4) for s in signatures]),
    )
