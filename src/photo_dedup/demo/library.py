"""A small demo library made from real photographs that scikit-image ships.

Each original gets the copies a real library collects (byte copies, Google
Photos-style recompression, resized exports, PNG/TIFF/HEIC conversions, a copy
stored sideways with an EXIF orientation tag) and some look-alikes that must
stay apart (a stereo neighbour, a black-and-white edit, a crop), plus a few
broken files.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image
from skimage import data

from photo_dedup.demo import variants

PHOTOS: dict[str, Callable[[], Any]] = {
    "astronaut": data.astronaut,
    "chelsea": data.chelsea,
    "coffee": data.coffee,
    "rocket": data.rocket,
    "motorcycle": data.stereo_motorcycle,
    "hubble": data.hubble_deep_field,
    "retina": data.retina,
    "ihc": data.immunohistochemistry,
}


def real_photos() -> dict[str, Image.Image]:
    """The real photographs shipped in scikit-image, as RGB images."""
    photos = {}
    for name, loader in PHOTOS.items():
        array = loader()
        if isinstance(array, tuple):  # stereo_motorcycle: (left, right, disparity)
            array = array[0]
        photos[name] = Image.fromarray(np.asarray(array, dtype=np.uint8)).convert("RGB")
    return photos


def build_demo_library(root: str | Path) -> Path:
    """Write the demo library under `root` (created; existing files are replaced)."""
    root = Path(root)
    photos = real_photos()
    masters = root / "Masters"
    for index, (name, image) in enumerate(sorted(photos.items())):
        exif = variants.camera_exif(taken=f"2021:06:{10 + index:02d} 10:{index:02d}:00")
        original = variants.save_original(image, masters / f"{name}.jpg", exif)
        if name in ("astronaut", "chelsea", "coffee", "rocket"):
            variants.byte_copy(original, root / "Apple Photos Export" / f"IMG_{1000 + index}.jpg")
            variants.recompressed(image, root / "Google Takeout" / f"{name}.jpg", quality=72)
        if name in ("astronaut", "coffee"):
            variants.resized(image, root / "Exports" / f"{name}-640.jpg", long_side=320)
            variants.converted(image, root / "Old PNG exports" / f"{name}.png")
        if name == "chelsea":
            variants.rotated_with_exif(image, root / "Phone" / "chelsea-sideways.jpg", orientation=6)
            variants.converted(image, root / "Phone" / "chelsea.heic")
        if name == "rocket":
            variants.converted(image, root / "Old PNG exports" / "rocket.tif")
    motorcycle_right = Image.fromarray(data.stereo_motorcycle()[1]).convert("RGB")
    variants.save_original(motorcycle_right, masters / "motorcycle-next-frame.jpg")
    variants.black_and_white(photos["coffee"], root / "Edits" / "coffee-black-and-white.jpg")
    variants.cropped(photos["astronaut"], root / "Edits" / "astronaut-crop.jpg")
    broken = root / "Broken"
    broken.mkdir(parents=True, exist_ok=True)
    jpeg = (masters / "hubble.jpg").read_bytes()
    (broken / "truncated.jpg").write_bytes(jpeg[: len(jpeg) // 3])
    (broken / "empty.jpg").write_bytes(b"")
    (broken / "notes.jpg").write_text("this is a text file with a .jpg name\n")
    (root / "Phone" / "clip.mov").write_bytes(b"\x00\x00\x00\x18ftypqt  ")
    return root
