"""Real-world check: public test photos this project was not built on, labelled by hand.

    python benchmarks/real_world.py --corpus DIR

DIR holds the files named in LABELS (any subfolders). They come from two public repositories, at
the paths given below (none is copied into this repository; fetch them with git):
- photoprism/photoprism, assets/examples/ (photos: Unsplash and PhotoPrism's authors; see its NOTICE.md),
- bigcat88/pillow_heif, tests/images/ (the pug photos: the project's author; Pug/PUG*.heic are in
  commit d5abe8c5's history).

Runs the real workflow (with similar_shots) and prints, for every labelled pair, the tier it was
placed in against the tier a person gives it, then the copy tier's pairwise precision and recall.
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from detection import run_workflow  # noqa: E402

from photo_dedup.workflow_command import REPO  # noqa: E402

# file -> where it comes from. Every file shows a picture of its own unless PAIRS says otherwise.
SOURCES = {
    "photoprism": [
        ".photoprism/example.jpg", "example.png", "example.tif", "example.gif", "IMG_4120.JPG", "IMG_E4120.JPG",
        "beach_wood.jpg", "this-is-a-jpeg.png", "dog_created_1919.jpg", "dog_toshi_yellow.jpg",
        "dog_toshi_red.jpg", "elephants.jpg", "elephant_mono.jpg", "coin_gold.jpg", "bitcoin_gold.jpg",
        "beach_sand.jpg", "beach_colorfilter.jpg", "palms_beach.jpg", "cat_black.jpg", "cat_brown.jpg",
        "iphone_7.heic", "iphone_15_pro.heic", "fox.profile0.8bpc.yuv420.avif",
    ],
    "pillow_heif": [
        "PUG1__prof.heic", "PUG2__prof.heic", "PUG3__none.heic", "pug.heic", "pug.jpeg",
        "pug_90_flipped.jpeg", "zPug_3.heic",
    ],
}  # fmt: skip

# Pairs a person calls related, with the tier they belong in; every other pair is unrelated.
PAIRS = {
    ("example.jpg", "example.png"): "copy",  # one picture as JPEG, PNG, TIFF and GIF (smaller)
    ("example.jpg", "example.tif"): "copy",
    ("example.jpg", "example.gif"): "copy",
    ("example.png", "example.tif"): "copy",
    ("example.gif", "example.png"): "copy",
    ("example.gif", "example.tif"): "copy",
    ("beach_wood.jpg", "this-is-a-jpeg.png"): "copy",  # the same bytes under a wrong extension
    ("dog_created_1919.jpg", "dog_toshi_yellow.jpg"): "copy",  # the same photo, other metadata
    ("IMG_4120.JPG", "IMG_E4120.JPG"): "edit",  # Apple Photos' edit: black and white, cropped
    ("pug.jpeg", "pug_90_flipped.jpeg"): "edit",  # turned a quarter and mirrored
    ("PUG1__prof.heic", "PUG2__prof.heic"): "similar",  # two shots of an iPhone, 2 s apart
}


def placed_tiers(rows: pd.DataFrame) -> dict[tuple[str, str], str]:
    """For every pair of files in one group, that group's relation (by file name)."""
    tiers: dict[tuple[str, str], str] = {}
    for _, members in rows.groupby("group_id"):
        relation = str(members["relation"].iloc[0])
        names = sorted(Path(path).name for path in members["path"])
        for pair in itertools.combinations(names, 2):
            tiers.setdefault(pair, relation)
    return tiers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True, help="a folder holding the files named in SOURCES")
    parser.add_argument("--workdir", type=Path, default=REPO / "bench-work" / "real-world")
    args = parser.parse_args()
    workdir = args.workdir.resolve()
    if workdir.exists():
        shutil.rmtree(workdir)
    library = workdir / "library"
    found = {path.name: path for path in args.corpus.resolve().rglob("*") if path.is_file()}
    for source, names in SOURCES.items():
        for name in names:
            name = Path(name).name
            if name not in found:
                sys.exit(f"missing from --corpus: {name} ({source})")
            (library / source).mkdir(parents=True, exist_ok=True)
            shutil.copy2(found[name], library / source / name)
    seconds = run_workflow(library, workdir / "work", "similar_shots=true")
    rows = pd.read_csv(workdir / "work" / "results" / "groups.csv", keep_default_na=False)
    tiers = placed_tiers(rows)
    names = sorted(Path(name).name for names in SOURCES.values() for name in names)
    print(f"{len(names)} real files, workflow {seconds:.1f} s")
    print("labelled pairs (expected tier -> placed tier):")
    for pair, expected in sorted(PAIRS.items(), key=lambda item: item[1]):
        key = (min(pair), max(pair))
        got = tiers.get(key, "none")
        print(f"  {'ok ' if got == expected else 'MISS'} {expected:<8} -> {got:<8} {key[0]} ~ {key[1]}")
    truth = {(min(p), max(p)) for p, tier in PAIRS.items() if tier == "copy"}
    found_copies = {pair for pair, tier in tiers.items() if tier == "copy"}
    labelled = {(min(pair), max(pair)) for pair in PAIRS}
    unlabelled = {pair: tier for pair, tier in tiers.items() if pair not in labelled}
    hits = len(truth & found_copies)
    print(
        f"copy tier: precision {hits / len(found_copies) if found_copies else 1.0:.3f}, "
        f"recall {hits / len(truth):.3f} ({hits} of {len(truth)} copy pairs)"
    )
    print(f"pairs grouped that a person calls unrelated: {len(unlabelled)}")
    for (a, b), tier in sorted(unlabelled.items()):
        print(f"  {tier}: {a} ~ {b}")


if __name__ == "__main__":
    main()
