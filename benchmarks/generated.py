"""Generated inputs for the speed benchmark: 12 MP photos, many small photos, many sidecars."""

from __future__ import annotations

import base64
import functools
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

import numpy as np
from PIL import Image, ImageChops, ImageEnhance

from photo_dedup.cache.chunk_records import ChunkWriter
from photo_dedup.demo import real_photos, variants

T = TypeVar("T")


GRAIN_FIELDS = 4
FIRST_SHOT = datetime(2022, 7, 1, 8, 0, 0)
# Crops of 55-100 % of 8 photos made 10^4 frames that are nearly all alike: 99.95 % of the 164,094
# candidate pairs the gather step measured were two frames of one photo, which no real library holds.
# Frames of 20-50 % show different parts of a photo, as different photos do.
DISTINCT_ZOOM = (0.2, 0.5)
VARIED_ZOOM = (0.55, 1.0)  # the phone and small photos' frames


@functools.cache
def _photos() -> list[Image.Image]:
    return list(real_photos().values())


@functools.cache
def _grain_fields(size: tuple[int, int]) -> list[Image.Image]:
    """A few fields of camera grain (sigma 3 grey levels, offset by 12 so they fit in uint8), made once
    per process: drawing fresh noise for each 12 MP photo cost more than the photo's JPEG encode."""
    rng = np.random.default_rng(12345)
    fields = []
    for _ in range(GRAIN_FIELDS):
        noise = np.clip(rng.normal(12, 3.0, (size[1], size[0])), 0, 24).astype(np.uint8)
        grey = Image.fromarray(noise)
        fields.append(Image.merge("RGB", (grey, grey, grey)))
    return fields


def _varied(
    photo: Image.Image, rng: np.random.Generator, size: tuple[int, int], zoom: tuple[float, float] = VARIED_ZOOM
) -> Image.Image:
    """A different-looking frame from a real photo: crop (`zoom`: its side over the photo's), flip,
    colour, then grain at full size."""
    w, h = photo.size
    scale = rng.uniform(*zoom)
    cw, ch = int(w * scale), int(h * scale)
    x, y = int(rng.integers(0, w - cw + 1)), int(rng.integers(0, h - ch + 1))
    frame = photo.crop((x, y, x + cw, y + ch))
    if rng.random() < 0.5:
        frame = frame.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    frame = ImageEnhance.Color(frame).enhance(rng.uniform(0.7, 1.3))
    frame = ImageEnhance.Brightness(frame).enhance(rng.uniform(0.8, 1.2))
    frame = frame.resize(size, Image.Resampling.BICUBIC)
    if size[0] * size[1] > 1_000_000:  # camera grain, so the JPEG weighs what a camera's does
        grain = _grain_fields(size)[int(rng.integers(GRAIN_FIELDS))]
        frame = ImageChops.add(frame, grain, scale=1.0, offset=-12)
    return frame


def _frame(
    job: tuple[Path, int, int, int], size: tuple[int, int], zoom: tuple[float, float] = VARIED_ZOOM
) -> tuple[Image.Image, Path]:
    """Photo `i` of a job: its frame (its own random numbers, so any process makes the same one)
    and its path without a suffix."""
    root, i, seed, per_folder = job
    photos = _photos()
    frame = _varied(photos[i % len(photos)], np.random.default_rng([seed, i]), size, zoom)
    return frame, root / f"folder-{i // per_folder:03d}" / f"IMG_{i:05d}"


def _camera_photo(job: tuple[Path, int, int, int]) -> Path:
    frame, path = _frame(job, (4000, 3000), zoom=DISTINCT_ZOOM)
    taken = FIRST_SHOT + timedelta(seconds=47 * job[1])  # one photo a moment, as outside bursts
    exif = variants.camera_exif(taken=taken.strftime("%Y:%m:%d %H:%M:%S"))
    return variants.save_original(frame, path.with_suffix(".jpg"), exif, quality=92)


def _phone_photo(job: tuple[Path, int, int, int]) -> list[Path]:
    frame, path = _frame(job, (4032, 3024))
    path = path.with_suffix(".heic")
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.save(path, quality=80, enc_params={"preset": "ultrafast"})  # x265 at its default takes ~15 s a photo
    if job[1] % 10:
        return [path]
    return [path, variants.recompressed(frame, path.with_suffix(".jpg"), quality=85)]


def _in_parallel(work: Callable[[tuple[Path, int, int, int]], T], jobs: list[tuple[Path, int, int, int]]) -> list[T]:
    """Generating 10^4 photos of 12 MP takes minutes even on all cores; one process a core."""
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        return list(pool.map(work, jobs, chunksize=8))


def make_camera_photos(root: Path, n: int, seed: int = 0, per_folder: int = 100) -> list[Path]:
    """`n` camera-like 12 MP JPEGs (4000x3000, EXIF, grain), 100 to a folder."""
    return _in_parallel(_camera_photo, [(root, i, seed, per_folder) for i in range(n)])


def make_phone_photos(root: Path, n: int, seed: int = 3, per_folder: int = 100) -> list[Path]:
    """`n` phone-like 12 MP HEICs (4032x3024, quality 80 as phones shoot them), one in ten with a
    JPEG copy beside it (what an export or a Takeout leaves)."""
    jobs = [(root, i, seed, per_folder) for i in range(n)]
    return [path for paths in _in_parallel(_phone_photo, jobs) for path in paths]


def make_small_photos(root: Path, n: int, seed: int = 1, per_folder: int = 500) -> list[Path]:
    """`n` small JPEGs (160x120): enough to measure Snakemake's own overhead."""
    rng = np.random.default_rng(seed)
    photos = [p.resize((640, 480)) for p in real_photos().values()]
    paths = []
    for i in range(n):
        path = root / f"folder-{i // per_folder:03d}" / f"small-{i:06d}.jpg"
        path.parent.mkdir(parents=True, exist_ok=True)
        _varied(photos[i % len(photos)], rng, (160, 120)).save(path, "JPEG", quality=85)
        paths.append(path)
    return paths


def sidecar_record(path: str, digest: str, size: int, luma: np.ndarray, phash: int, dhash: int) -> dict[str, object]:
    """A generated 12-MP camera JPEG's sidecar record, as the fingerprint step writes it."""
    return {
        "path": path,
        "digest": digest,
        "size": size,
        "mtime_ns": 0,
        "version": 2,
        "error": None,
        "format": "JPEG",
        "width": 4000,
        "height": 3000,
        "taken": None,
        "make": "Canon",
        "model": "EOS R6",
        "has_gps": False,
        "software": None,
        "orientation": 1,
        "decoder": "draft",
        "thumbnail": "thumbs/x.jpg",
        "colourfulness": 20.0,
        "phash": f"{phash:016x}",
        "dhash": f"{dhash:016x}",
        "luma64": base64.b64encode(luma.astype(np.uint8).tobytes()).decode(),
        "rgb4": base64.b64encode(bytes(range(48))).decode(),
    }


def make_sidecar_chunks(folder: Path, n: int, seed: int = 2, per_chunk: int = 1000) -> list[Path]:
    """`n` sidecar records as the fingerprint step writes them; one photo in ten has a copy."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    chunks = []
    base_luma = rng.integers(0, 256, (max(1, n // 10), 64, 64), dtype=np.uint8)
    family_hash = rng.integers(0, 2**63, max(1, n // 10))
    for start in range(0, n, per_chunk):
        path = folder / f"c{start // per_chunk:05d}.jsonl"
        with ChunkWriter(path) as out:  # with the end line the gather step checks
            for i in range(start, min(n, start + per_chunk)):
                family = i // 10 if i % 10 >= 8 else None  # photos 8 and 9 of every ten are copies
                luma = base_luma[family] if family is not None else rng.integers(0, 256, (64, 64), dtype=np.uint8)
                phash = int(rng.integers(0, 2**63)) if family is None else family_hash[family]
                path_in_library = f"/generated/folder-{i // 1000:03d}/IMG_{i:06d}.jpg"
                dhash = int(rng.integers(0, 2**63))
                record = sidecar_record(path_in_library, f"{i:064x}", 3_000_000 + i, luma, int(phash), dhash)
                out.write(record)
        chunks.append(path)
    return chunks
