"""A labelled library for the detection benchmark: real photos, every copy kind, every look-alike.

Every file is labelled with the picture it shows (copies share their
original's picture; look-alikes are pictures of their own) and its kind.
Parameters are drawn from a seeded random generator.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageEnhance
from skimage import data

from photo_dedup.demo import real_photos, variants
from photo_dedup.fingerprint.signature import colourfulness

COPY_KINDS = (
    "byte copy",
    "recompressed",
    "resized",
    "png",
    "tiff",
    "heic",
    "webp",
    "avif",
    "exif-rotated",
    "metadata-stripped",
    "auto-adjusted",
    "auto white balance",
    "apple-style enhance",
    "google-style enhance",
    "raw+jpeg",
    "cmyk",
    "16-bit",
    "palette",
    "alpha",
)
LOOKALIKE_KINDS = ("burst", "black-and-white", "colour-graded", "crop", "turned", "flat or dark")


@dataclass
class Labelled:
    path: Path
    picture: str
    kind: str


def benchmark_originals(originals_dir: Path | None = None) -> dict[str, Image.Image]:
    """Real photographs: scikit-image's (colour and grey) and matplotlib's, or a folder of your own."""
    if originals_dir is not None:
        photos = {}
        for path in sorted(originals_dir.iterdir()):
            try:
                with Image.open(path) as im:
                    photos[path.stem] = im.convert("RGB")
            except OSError:
                continue
        return photos
    photos = real_photos()
    for name in ("camera", "moon", "coins", "brick", "grass", "gravel", "clock", "cell", "page", "text"):
        photos[name] = Image.fromarray(getattr(data, name)()).convert("RGB")
    import matplotlib.cbook

    with matplotlib.cbook.get_sample_data("grace_hopper.jpg") as handle:
        photos["grace_hopper"] = Image.open(handle).convert("RGB")
    return photos


def camera_sized(image: Image.Image, long_side: int) -> Image.Image:
    scale = long_side / max(image.size)
    if scale <= 1:
        return image
    return image.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.LANCZOS)


def build(root: Path, seed: int = 0, long_side: int = 1600, originals_dir: Path | None = None) -> list[Labelled]:
    rng = np.random.default_rng(seed)
    files: list[Labelled] = []
    originals = benchmark_originals(originals_dir)
    for name, small in sorted(originals.items()):
        image = camera_sized(small, long_side)
        taken = f"20{rng.integers(10, 24)}:0{rng.integers(1, 9)}:1{rng.integers(0, 9)} 1{rng.integers(0, 9)}:00:00"
        exif = variants.camera_exif(taken=taken)
        files += _copies(root / name, name, image, rng, exif)
        files += _lookalikes(root / name, name, image, rng, exif)
    files += _flat_and_dark(root / "flat-and-dark", originals, rng, long_side)
    with open(root / "labels.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["path", "picture", "kind"])
        for item in files:
            writer.writerow([str(item.path), item.picture, item.kind])
    return files


def _copies(folder: Path, name: str, image: Image.Image, rng: np.random.Generator, exif: Image.Exif) -> list[Labelled]:
    original = variants.save_original(image, folder / "original.jpg", exif)
    out = [Labelled(original, name, "original")]

    def add(kind: str, path: Path) -> None:
        out.append(Labelled(path, name, kind))

    add("byte copy", variants.byte_copy(original, folder / "copies" / "IMG_0001.jpg"))
    add("recompressed", variants.recompressed(image, folder / "takeout.jpg", quality=int(rng.integers(70, 86))))
    add("resized", variants.resized(image, folder / "resized.jpg", long_side=int(rng.integers(640, 1025))))
    for kind in ("png", "tiff", "heic", "webp", "avif"):
        add(kind, variants.converted(image, folder / f"converted.{'tif' if kind == 'tiff' else kind}"))
    add("exif-rotated", variants.rotated_with_exif(image, folder / "rotated.jpg", int(rng.integers(2, 9))))
    stripped = folder / "stripped.jpg"
    image.save(stripped, "JPEG", quality=95)
    add("metadata-stripped", stripped)
    add(
        "auto-adjusted",
        variants.auto_adjusted(
            image,
            folder / "auto.jpg",
            brightness=1 + float(rng.uniform(0.05, 0.12)),
            saturation=1 + float(rng.uniform(0.05, 0.12)),
            autocontrast=bool(rng.integers(0, 2)),
        ),
    )
    add(
        "auto white balance",
        variants.enhanced(
            image,
            folder / "enhanced.jpg",
            white_balance=variants.grey_world_gains(image),
            contrast=1 + float(rng.uniform(0.05, 0.15)),
            brightness=1 + float(rng.uniform(0.03, 0.10)),
            saturation=1 + float(rng.uniform(0.05, 0.12)),
        ),
    )
    warmth = float(rng.uniform(0.0, 0.04))
    add(
        "apple-style enhance",
        variants.enhanced(
            image,
            folder / "IMG_0001 (edited).jpg",
            white_balance=(1 + warmth, 1.0, 1 - warmth),
            s_curve=float(rng.uniform(0.15, 0.3)),
            brightness=1 + float(rng.uniform(0.0, 0.05)),
            saturation=1 + float(rng.uniform(0.05, 0.15)),
        ),
    )
    add(
        "google-style enhance",
        variants.levels_enhanced(
            image,
            folder / "enhanced-google.jpg",
            mix=float(rng.uniform(0.3, 0.6)),
            brightness=1 + float(rng.uniform(0.03, 0.08)),
            saturation=1 + float(rng.uniform(0.05, 0.15)),
        ),
    )
    add("raw+jpeg", variants.camera_raw(image, folder / "IMG_0001.DNG"))
    add("cmyk", variants.cmyk_copy(image, folder / "cmyk.jpg"))
    add("16-bit", variants.sixteen_bit_tiff(image, folder / "sixteen.tif"))
    add("palette", variants.palette_copy(image, folder / "palette.png"))
    add("alpha", variants.alpha_copy(image, folder / "alpha.png"))
    return out


def _lookalikes(
    folder: Path, name: str, image: Image.Image, rng: np.random.Generator, exif: Image.Exif
) -> list[Labelled]:
    """Edits and burst neighbours. Bursts, crops and turns keep the camera's metadata (capture time to
    the second included), as burst mode and photo editors do."""
    out = []
    for index, direction in enumerate((-1, 1)):
        path = variants.burst_neighbour(
            image,
            folder / f"burst-{index}.jpg",
            shift=float(rng.uniform(0.02, 0.06)),
            seed=int(rng.integers(1_000_000)),
            direction=direction,
            exif=exif,
        )
        out.append(Labelled(path, f"{name}/burst-{index}", "burst"))
    if colourfulness(image) > 5:  # a grey photo has no black-and-white or colour-graded version
        out.append(Labelled(variants.black_and_white(image, folder / "bw.jpg"), f"{name}/bw", "black-and-white"))
        graded = variants.colour_graded(image, folder / "graded.jpg", strength=float(rng.uniform(0.2, 0.35)))
        out.append(Labelled(graded, f"{name}/graded", "colour-graded"))
    crop = variants.cropped(image, folder / "crop.jpg", fraction=float(rng.uniform(0.08, 0.25)), exif=exif)
    out.append(Labelled(crop, f"{name}/crop", "crop"))
    turn = variants.turned(image, folder / "turned.jpg", quarter_turns=int(rng.integers(1, 4)), exif=exif)
    out.append(Labelled(turn, f"{name}/turned", "turned"))
    return out


def _flat_and_dark(
    folder: Path, originals: dict[str, Image.Image], rng: np.random.Generator, long_side: int
) -> list[Labelled]:
    """Different pictures with little content (night shots, sky, dark tiles), each with one real copy."""
    out = []
    pictures: dict[str, Image.Image] = {}
    hubble = Image.fromarray(data.hubble_deep_field())
    w, h = hubble.size
    for i, box in enumerate([(0, 0, w // 2, h // 2), (w // 2, 0, w, h // 2), (0, h // 2, w // 2, h)]):
        pictures[f"night-sky-{i}"] = hubble.crop(box)
    for name in sorted(originals)[:6]:
        mirrored = originals[name].transpose(Image.Transpose.FLIP_LEFT_RIGHT)  # unrelated to the original
        dark = ImageEnhance.Brightness(mirrored).enhance(0.12)
        pictures[f"night-{name}"] = dark
    for i in range(3):
        pictures[f"sky-{i}"] = _sky(rng, i)
    for name, picture in pictures.items():
        picture = camera_sized(picture.convert("RGB"), long_side)
        original = variants.save_original(picture, folder / f"{name}.jpg")
        out.append(Labelled(original, f"flat/{name}", "flat or dark"))
        copy = variants.recompressed(picture, folder / f"{name}-takeout.jpg", quality=int(rng.integers(70, 86)))
        out.append(Labelled(copy, f"flat/{name}", "recompressed (flat)"))
    return out


def _sky(rng: np.random.Generator, index: int) -> Image.Image:
    """A blue sky with faint clouds: a vertical gradient plus soft low-frequency brightness."""
    top = np.array([90 + 20 * index, 140 + 10 * index, 220], dtype=np.float64)
    bottom = np.array([180, 200 + 5 * index, 240 - 10 * index], dtype=np.float64)
    t = np.linspace(0, 1, 480)[:, None, None]
    sky = (top * (1 - t) + bottom * t) * np.ones((1, 640, 1))
    clouds = Image.fromarray(rng.uniform(0, 255, (6, 8)).astype(np.uint8)).resize((640, 480), Image.Resampling.BICUBIC)
    sky += (np.asarray(clouds, dtype=np.float64)[:, :, None] - 128) * 0.15
    sky += rng.normal(0, 1.5, sky.shape)
    return Image.fromarray(np.clip(sky, 0, 255).astype(np.uint8))
