"""How well a JPEG's quantisation tells what was made from it, on the real-world corpus.

For every labelled pair of files of one size where one is a JPEG (upright as stored), prints the
median distance of the other's block DCT coefficients to the JPEG's steps (photo_dedup.choose.jpeg_ancestry),
by label, and the lowest distances of pairs that are not copies. Run benchmarks/real_world.py first
(its --workdir holds the library):

    .venv/bin/python benchmarks/jpeg_ancestry.py --library /tmp/rw/library
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

sys.path.insert(0, str(Path(__file__).resolve().parent))
from real_world import labelled_pairs, on_disk  # noqa: E402

from photo_dedup.choose.jpeg_ancestry import MAX_LATTICE_DISTANCE, lattice_distance, luma_table  # noqa: E402


def upright_table(path: Path) -> np.ndarray | None:
    """The JPEG's luma steps where its blocks lie on the upright grid (no orientation tag)."""
    with Image.open(path) as im:
        if im.getexif().get(274, 1) != 1:
            return None
    return luma_table(str(path))


def upright_luma(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(ImageOps.exif_transpose(im).convert("RGB").convert("YCbCr"))[:, :, 0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--library", type=Path, required=True)
    library = parser.parse_args().library
    kinds, _ = labelled_pairs()
    found: dict[str, list[tuple[float, str, str]]] = defaultdict(list)
    lumas: dict[Path, np.ndarray] = {}
    for (a, b), kind in kinds.items():
        for made, jpeg in ((a, b), (b, a)):
            made_path, jpeg_path = library / on_disk(made), library / on_disk(jpeg)
            try:
                steps = upright_table(jpeg_path)
                if steps is None:
                    continue
                if made_path not in lumas:
                    lumas[made_path] = upright_luma(made_path)
                with Image.open(jpeg_path) as im:
                    size = im.size
                if lumas[made_path].shape != size[::-1]:
                    continue
                own = luma_table(str(made_path)) if made_path.suffix.lower() in (".jpg", ".jpeg") else None
                distance = lattice_distance(lumas[made_path], steps, own)
            except (OSError, ValueError):
                continue
            if distance is not None:
                found[kind].append((distance, made, jpeg))
    print(f"median distance to a JPEG's steps (<= {MAX_LATTICE_DISTANCE} reads as made from it), by label:")
    for kind, rows in sorted(found.items()):
        values = np.array([d for d, *_ in rows])
        quantiles = " ".join(f"{q:.3f}" for q in np.quantile(values, [0, 0.05, 0.5, 0.95, 1]))
        print(
            f"  {kind:<10} {len(rows):4} pairs, {int((values <= MAX_LATTICE_DISTANCE).sum()):4} read as made from; "
            f"min/5%/median/95%/max {quantiles}"
        )
    for kind, rows in sorted(found.items()):
        if kind != "copy":
            for distance, made, jpeg in sorted(rows)[:2]:
                print(f"  lowest {kind}: {distance:.3f} {made} <- {jpeg}")


if __name__ == "__main__":
    main()
