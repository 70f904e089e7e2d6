"""Speed benchmark: the workflow against the naive method, difPy and czkawka, reruns, memory.

    python benchmarks/speed.py                       # 200 photos of 12 MP, 10^4 small, 10^5 sidecars
    python benchmarks/speed.py --photos 100 --small 0 --sidecars 0
    python benchmarks/speed.py --photos 0 --small 0 --sidecars 0 --mixed --heic 200   # vs czkawka
    python benchmarks/speed.py --photos 10000 --small 0 --sidecars 0 --no-naive --no-difpy  # 24 GB, ~1 h
    python benchmarks/speed.py --photos 0 --small 0 --sidecars 0 --phone-heic 200 --heic-sources DIR
    python benchmarks/speed.py --photos 0 --small 0 --sidecars 0 --real-mixed --mirrors /work/.mirror

czkawka (its Rust engine through the `czkawka` bindings: pip install -e '.[bench]') is timed on the
same files in the same run, twice (it keeps no cache through these bindings, so both runs are cold).

All timings use the same 2 cores (--cores). It prints (a) the naive reference (full decode and
whash of every photo in a process pool), (b) the workflow cold, (c) a no-op rerun, (d) a rerun after
modifying 10 photos, (e) a rerun after renaming a folder of 100 photos, (f) peak memory, (g) difPy,
the ratios b/a, b/g, d/b and the decode floor; then (c) and (d) at --small photos, and the gather
step's time and peak memory on --sidecars generated sidecars.

--phone-heic N builds a library of N real phone HEICs (with --paired-share S, of the real iPhone files
only, where a share 1-S of the copies get an embedded thumbnail of a picture of their own, so that to
the thumbnail stage only a share S are copies: phone_thumbnails.py): copies of the real files in --heic-sources
(bigcat88/pillow_heif's and immich's test photos: see heic_sources) with their EXIF capture times
rewritten in place, so that every copy has its own bytes (the cache keys on them) and the HEIC
container, tiles and thumbnails stay as the phone wrote them. The copies of one file are one
picture, so they form one group each; the file list says how many real files there are. For each
real file it also prints what a fingerprint from the embedded thumbnail would give: its decode
time and its perceptual-hash distance to the main image's (the two-stage plan of issue 23).
Every workflow run also prints its per-step split (each rule's job seconds, from logs/benchmarks).

--real-mixed times real photos (issue 23's targets): the real-world check's corpus
(benchmarks/real_world.py, extracted from the git mirrors in --mirrors), once as the ~410 files
czkawka reads too and once with HEIC/AVIF/DNG files added to make a tenth; cold, no-op and czkawka
interleaved, with the wall split of the cold run (Snakemake's start and the scan, fingerprint jobs,
gather, report, summary and exit: from when each stage's last file was written). The run ends with a
table of every library timed against czkawka.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import imagehash
import numpy as np
from PIL import Image, ImageOps

sys.path.insert(0, str(Path(__file__).parent))
from generated import make_camera_photos, make_phone_photos, make_sidecar_chunks, make_small_photos  # noqa: E402

from photo_dedup.workflow.command import REPO, snakemake_command  # noqa: E402

WRAPPER = (
    "import resource, subprocess, sys\n"
    "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)
LAST_RUN_PEAK_MB = [0.0]


def measured(command: list[str]) -> float:
    """Run `command`; return its wall time and keep the peak RSS of its processes (and theirs)."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", WRAPPER, *command], check=True, capture_output=True, text=True)
    seconds = time.monotonic() - started
    LAST_RUN_PEAK_MB[0] = int(done.stdout.split()[-1]) / 1024
    return seconds


def snakemake(workdir: Path, library: Path, cores: int, *extra: str) -> float:
    """Run the workflow; return its wall time (its peak RSS goes to LAST_RUN_PEAK_MB)."""
    workdir.mkdir(parents=True, exist_ok=True)
    return measured(snakemake_command(workdir, cores, "--quiet", "all", "--config", f"library={library}", *extra))


def naive_fingerprint(path: str) -> str:
    """What the original notebook did: decode the whole photo, then whash it at full size."""
    with Image.open(path) as im:
        upright = ImageOps.exif_transpose(im.convert("RGB"))
        return str(imagehash.whash(upright))


def naive(paths: list[Path], cores: int) -> float:
    started = time.monotonic()
    with ProcessPoolExecutor(cores) as pool:
        list(pool.map(naive_fingerprint, map(str, paths), chunksize=4))
    return time.monotonic() - started


def difpy(library: Path) -> float:
    code = (
        "import difPy, sys\n"
        "dif = difPy.build(sys.argv[1], show_progress=False, processes=2)\n"
        "difPy.search(dif, similarity='similar', show_progress=False, processes=2)\n"
    )
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", code, str(library)], check=True, capture_output=True)
    return time.monotonic() - started


def czkawka(library: Path) -> float:
    """czkawka's image-similarity search over the library (all cores), or NaN when not installed."""
    code = (
        "from czkawka import ImageSimilarity\n"
        "import sys\n"
        "finder = ImageSimilarity()\n"
        "finder.set_directories([sys.argv[1]])\n"
        "finder.set_similarity(15)\n"
        "finder.find_similar()\n"
    )
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", code, str(library)], capture_output=True)
    return time.monotonic() - started if done.returncode == 0 else float("nan")


def cold_then_noop(workdir: Path, library: Path, cores: int) -> tuple[float, float, float]:
    """The workflow's cold run, its peak memory (MB) and a no-op rerun right after."""
    cold = snakemake(workdir, library, cores)
    rss = LAST_RUN_PEAK_MB[0]
    return cold, rss, snakemake(workdir, library, cores)


def side_by_side(title: str, library: Path, workdir: Path, cores: int, files: int, note: str = "") -> float:
    """The workflow cold and no-op and czkawka twice, interleaved (cold, czkawka, no-op, czkawka)
    so that both see the same load, on the same library; one block of output, with the load.
    Returns the cold time."""
    started = time.time()
    cold, rss = snakemake(workdir, library, cores), LAST_RUN_PEAK_MB[0]
    walls = wall_split(workdir, started, started + cold)
    split = step_split(workdir)
    first = czkawka(library)
    noop = snakemake(workdir, library, cores)
    second = czkawka(library)
    load = " ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"{title}, {files} files (load average {load}):")
    print(f"  workflow cold {cold:.1f} s ({files / cold:.1f} files/s, peak {rss:.0f} MB), no-op {noop:.1f} s")
    print(f"  wall split: {walls}")
    print(f"  per step (job seconds): {split}")
    print(f"  czkawka {first:.1f} s, again {second:.1f} s   workflow/czkawka = {cold / min(first, second):.2f}{note}")
    TABLE.append((title, files, cold, noop, min(first, second), walls))
    return cold


TABLE: list[tuple[str, int, float, float, float, str]] = []  # every side_by_side, for the closing table


def print_table() -> None:
    """The side-by-side table of every library timed against czkawka in this run."""
    if not TABLE:
        return
    print("\n| library | files | workflow cold | no-op | czkawka | cold / czkawka | wall split of the cold run |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for title, files, cold, noop, czk, walls in TABLE:
        print(f"| {title} | {files} | {cold:.1f} s | {noop:.1f} s | {czk:.1f} s | {cold / czk:.2f} | {walls} |")


def wall_split(workdir: Path, started: float, ended: float) -> str:
    """Where a cold run's wall time went, from when its files were written: Snakemake's start and
    the scan (to the progress plan the scan writes last), the fingerprint jobs (to the last chunk
    file), the gather (to its last output), the report (to its last output), and the summary and
    exit (to the process's end). Each span holds the scheduling of its jobs too."""

    def newest(*patterns: str) -> float:
        times = [path.stat().st_mtime for pattern in patterns for path in workdir.glob(pattern)]
        return max(times, default=float("nan"))

    try:
        scanned = float(json.loads((workdir / "cache" / "progress.json").read_text())["started"])
    except (OSError, ValueError, KeyError):
        return "(no progress plan)"
    marks = [
        ("start and scan", scanned),
        ("fingerprint", newest("cache/chunks/*.jsonl")),
        ("gather", newest("results/groups.json", "results/groups.csv", "results/unreadable.csv", "cache/pairs.csv")),
        ("report", newest("results/report.html", "results/pair-distances.png", "results/delete-duplicates.sh")),
        ("summary and exit", ended),
    ]
    spans, before = [], started
    for name, mark in marks:
        spans.append(f"{name} {mark - before:.2f} s")
        before = mark
    return ", ".join(spans)


def heic_run(args: argparse.Namespace, base: Path) -> None:
    """A phone library (12 MP HEICs, a JPEG copy of one in ten): the workflow against czkawka."""
    library = base / "heic-library"
    print(f"\nmaking {args.heic} phone photos (HEIC, 12 MP) ...", flush=True)
    paths = make_phone_photos(library, args.heic)
    floor = decode_floor([p for p in paths if p.suffix == ".heic"], args.cores, base / "heic-floor-cache")
    side_by_side("HEIC library", library, base / "heic-work", args.cores, len(paths), f"   decode floor {floor:.1f} s")


# Real phone and camera HEICs with an EXIF capture time (the copies vary it); where each comes from.
HEIC_SOURCES = {
    "IMG_2682.heic": "immich-app/test-assets formats/ (iPhone)",
    "samsung-one-ui-6.heic": "immich-app/test-assets formats/ (Samsung One UI 6)",
    "pug.heic": "bigcat88/pillow_heif tests/images/heif_other/ (iPhone)",
    "arrow.heic": "bigcat88/pillow_heif tests/images/heif_other/ (iPhone)",
    "xiaomi.heic": "bigcat88/pillow_heif tests/images/heif_special/ (Xiaomi)",
    "aux_YCbCr.heic": "bigcat88/pillow_heif tests/images/heif_special/",
    "cat.hif": "bigcat88/pillow_heif tests/images/heif_other/ (Canon camera HIF)",
    "spatial_photo.heic": "bigcat88/pillow_heif tests/images/heif_other/ (iPhone spatial photo)",
}
EXIF_TIME = re.compile(rb"(19|20)\d\d:[01]\d:[0-3]\d [0-2]\d:[0-5]\d:[0-5]\d")


def heic_sources(folder: Path) -> list[Path]:
    """The real HEICs of HEIC_SOURCES found in `folder` (fetched there beforehand)."""
    return [folder / name for name in HEIC_SOURCES if (folder / name).is_file()]


def phone_heic_library(sources: list[Path], root: Path, count: int, paired_share: float | None = None) -> list[Path]:
    """`count` copies of the real files, each with its capture times moved by its own number of
    seconds (same length, so no offset in the file moves), in folders of 100. With `paired_share`,
    only that share keep their own thumbnail (they pair with the other copies of their file); the
    rest get a thumbnail of a picture of their own (phone_thumbnails), so that to the thumbnail stage
    they are as many other photos."""
    from phone_thumbnails import distinct_picture, with_thumbnail

    paths = []
    for number in range(count):
        source = sources[number % len(sources)]
        day = f"2024:{1 + number % 12:02d}:{1 + number % 28:02d}"
        stamp = f"{day} {number % 24:02d}:{number // 60 % 60:02d}:{number % 60:02d}"
        data = EXIF_TIME.sub(stamp.encode(), source.read_bytes())
        if paired_share is not None and number % 100 >= round(100 * paired_share):
            data = with_thumbnail(data, distinct_picture(number))
        path = root / f"{number // 100:03d}" / f"IMG_{number:05d}{source.suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        paths.append(path)
    return paths


def thumbnail_agreement(sources: list[Path]) -> None:
    """Per real file: the thumbnail the fingerprint step would take (fingerprint.heic_thumbnail: a
    scaled copy of the main image by pillow-heif's draft(), long side at least MIN_THUMBNAIL_SIDE),
    the time to fingerprint from it and from the main image, and the perceptual-hash distance between
    the two fingerprints."""
    from photo_dedup.fingerprint.decode import decode_photo
    from photo_dedup.fingerprint.signature import compute_signature, hash_bits
    from photo_dedup.fingerprint.step import WORK_SIZE

    try:
        from photo_dedup.fingerprint.heic_thumbnail import decode_heic_thumbnail
    except ImportError:  # a tree from before the two stages (for the time before)
        print("  (no thumbnail stage in this tree)")
        return

    print("  embedded thumbnail against main image (pHash bits of 64; ms to fingerprint):")
    for path in sources:
        started = time.perf_counter()
        main = decode_photo(str(path), WORK_SIZE, 250_000_000)
        main_ms = 1000 * (time.perf_counter() - started)
        started = time.perf_counter()
        thumb = decode_heic_thumbnail(str(path), WORK_SIZE, 250_000_000)
        thumb_ms = 1000 * (time.perf_counter() - started)
        if thumb is None:
            print(f"    {path.name}: no usable thumbnail; main image {main_ms:.0f} ms")
            continue
        thumb_hash, main_hash = compute_signature(thumb.image).phash, compute_signature(main.image).phash
        distance = (hash_bits(thumb_hash) ^ hash_bits(main_hash)).bit_count()
        print(
            f"    {path.name}: thumbnail {thumb.image.size} in {thumb_ms:.0f} ms against {main_ms:.0f} ms; "
            f"pHash distance {distance}"
        )


def two_stage_split(workdir: Path, photos: int, cores: int, cold: float) -> None:
    """The two stages' job seconds a photo, from the last run's benchmark files and groups.json, and
    what a library where a share of the thumbnail photos land in a candidate pair would take."""
    seconds = job_seconds(workdir)
    try:
        summary = json.loads((workdir / "results" / "groups.json").read_text())["summary"]["main_images"]
    except (OSError, KeyError, ValueError):
        print("  (no verify stage in this tree)")
        return
    verified, unchecked = summary["main_images_verified"], summary["main_images_unchecked"]
    stage1 = seconds.get("fingerprint", 0.0) / photos
    stage2 = seconds.get("verify", 0.0) / max(1, verified)
    rest = cold - (seconds.get("fingerprint", 0.0) + seconds.get("verify", 0.0)) / cores
    thumbs = verified + unchecked
    print(
        f"  two stages: {thumbs} of {photos} fingerprinted from a thumbnail, {verified} main images verified; "
        f"stage 1 {1000 * stage1:.0f} ms a photo, stage 2 {1000 * stage2:.0f} ms a verified photo, "
        f"the rest of the run {rest:.1f} s"
    )
    for share in (0.25, 1.0):
        for size in sorted({photos, 10_000}):
            estimate = rest + size * (stage1 + share * thumbs / photos * stage2) / cores
            print(
                f"    estimate at {share:.0%} of thumbnail photos in a pair, {size} photos: {estimate:.0f} s "
                f"({size / estimate:.1f} photos/s; the rest of the run taken as at {photos})"
            )


def thumbnail_replaceable(source: Path) -> bool:
    """Whether phone_thumbnails can give this file another thumbnail (iPhone's layout: one thumbnail,
    its data in the mdat box after the item table) that pillow-heif's draft() then takes for the
    thumbnail stage (at least 240 pixels, a scaled copy of the main image), as it takes the file's own."""
    import io

    from phone_thumbnails import distinct_picture, with_thumbnail

    def taken(data: bytes) -> bool:
        with Image.open(io.BytesIO(data)) as im:
            scale = 240 / max(im.size)
            return im.draft("RGB", (round(im.width * scale), round(im.height * scale))) is not None

    try:  # the file's own thumbnail as well (a camera's may have another colour profile, and not count)
        return taken(source.read_bytes()) and taken(with_thumbnail(source.read_bytes(), distinct_picture(0)))
    except (ValueError, StopIteration, IndexError, OSError, struct.error):
        return False


def phone_heic_run(args: argparse.Namespace, base: Path) -> None:
    """Real phone HEICs (copies with varied capture times): the workflow against czkawka."""
    sources = heic_sources(args.heic_sources)
    if args.paired_share is not None:
        sources = [source for source in sources if thumbnail_replaceable(source)]
    if not sources:
        print(f"\nno real HEICs of HEIC_SOURCES in {args.heic_sources}: phone HEIC library skipped")
        return
    library = base / "phone-heic-library"
    paths = phone_heic_library(sources, library, args.phone_heic, args.paired_share)
    print(
        f"\nphone HEIC library: {len(paths)} copies of {len(sources)} real files ({', '.join(p.name for p in sources)})"
    )
    if args.paired_share is not None:
        print(f"  {args.paired_share:.0%} keep their thumbnail (pairs); the rest have a thumbnail of their own")
    thumbnail_agreement(sources)
    floor = decode_floor(paths, args.cores, base / "phone-heic-floor-cache")
    cold = side_by_side(
        "phone HEIC library",
        library,
        base / "phone-heic-work",
        args.cores,
        len(paths),
        f"   decode floor {floor:.1f} s",
    )
    two_stage_split(base / "phone-heic-work", len(paths), args.cores, cold)


def job_seconds(workdir: Path) -> dict[str, float]:
    """Each rule's job seconds in the last run, from its benchmark files (logs/benchmarks)."""
    folder = workdir / "logs" / "benchmarks"
    seconds: dict[str, float] = {}
    for tsv in sorted(folder.rglob("*.tsv")):
        rule = tsv.parent.name if tsv.parent != folder else tsv.stem
        seconds[rule] = seconds.get(rule, 0.0) + float(tsv.read_text().splitlines()[1].split("\t")[0])
    return seconds


def step_split(workdir: Path) -> str:
    """Each rule's job seconds in the last run, as one line."""
    return ", ".join(f"{rule} {value:.2f} s" for rule, value in sorted(job_seconds(workdir).items()))


def mixed_run(args: argparse.Namespace, base: Path) -> None:
    """The detection benchmark's library (real photos at 1600 px, every copy kind and format): the
    workflow cold and no-op against czkawka."""
    from labelled_library import build

    library = base / "mixed-library"
    print("\nmaking the mixed library (the detection benchmark's) ...", flush=True)
    files = build(library)
    (library / "labels.csv").unlink()
    side_by_side("mixed library", library, base / "mixed-work", args.cores, len(files))


# Files of the real-world corpus that czkawka 0.1.2 aborts on (a Rust assertion: `left == right`,
# 4544 against 2272), which would end its whole run: left out of the real libraries for both.
CZKAWKA_ABORTS = {"libjxl/jxl/flower/flower.png.im_q85_luma_subsample.jpg"}
HEAVY = {".heic", ".heif", ".hif", ".avif", ".dng"}  # the formats czkawka does not read


def real_libraries(mirrors: Path, base: Path) -> tuple[Path, Path]:
    """Two libraries of real photos from the real-world corpus (benchmarks/real_world_labels.py,
    extracted from the git mirrors in `mirrors`): every file czkawka reads too (no HEIC, AVIF or
    DNG), and the same with HEIC/AVIF/DNG files added to make a tenth of it (spread over the
    corpus's sources, the DNG always among them)."""
    from real_world import extract

    corpus = base / "real-corpus"
    extract(mirrors, corpus)
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and str(p.relative_to(corpus)) not in CZKAWKA_ABORTS)
    light = [p for p in files if p.suffix.lower() not in HEAVY]
    heavy = [p for p in files if p.suffix.lower() in HEAVY]
    wanted = min(len(heavy), round(len(light) / 9))  # a tenth of the whole
    dng = [p for p in heavy if p.suffix.lower() == ".dng"]
    others = [p for p in heavy if p not in dng]
    dng = dng[:wanted]
    spread = wanted - len(dng)
    picked = dng + [others[i * len(others) // max(1, spread)] for i in range(spread)]
    mixed, tenth = base / "real-mixed", base / "real-mixed-10pc-heic"
    for library, members in ((mixed, light), (tenth, light + picked)):
        for path in members:
            target = library / path.relative_to(corpus)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    return mixed, tenth


def real_mixed_run(args: argparse.Namespace, base: Path) -> None:
    """Real photos of public test corpora (the real-world check's): the workflow against czkawka,
    on the files both read and on those with a tenth HEIC/AVIF/DNG (which czkawka skips)."""
    print("\nmaking the real mixed libraries (the real-world corpus, from the git mirrors) ...", flush=True)
    mixed, tenth = real_libraries(args.mirrors.resolve(), base)
    for title, library in (("real mixed", mixed), ("real mixed, 10 % HEIC/AVIF/DNG", tenth)):
        files = sum(1 for p in library.rglob("*") if p.is_file())
        side_by_side(title, library, base / f"{library.name}-work", args.cores, files)


def decode_floor(paths: list[Path], cores: int, cache: Path) -> float:
    """Per-photo fingerprint time in one process (digest, draft decode, hashes, thumbnail), times N / cores."""
    from photo_dedup.cache.sidecar_store import SidecarStore
    from photo_dedup.fingerprint.step import fingerprint_photo
    from photo_dedup.scan.walk import FileEntry

    store = SidecarStore(cache)
    sample = paths[:: max(1, len(paths) // 20)][:20]
    fingerprint_photo(FileEntry(str(sample[0]), 0, 0), SidecarStore(cache / "warm-up"), 250_000_000)
    started = time.perf_counter()
    for path in sample:
        fingerprint_photo(FileEntry(str(path), 0, 0), store, 250_000_000)
    per_photo = (time.perf_counter() - started) / len(sample)
    return per_photo * len(paths) / cores


def decodes_since(workdir: Path, since: float) -> int:
    """Photos decoded by the fingerprint jobs that ran after `since` (from their logs)."""
    total = 0
    for log in (workdir / "logs" / "fingerprint").glob("*.log"):
        if log.stat().st_mtime >= since:
            for line in log.read_text().splitlines():
                if " photos in " in line:
                    parts = line.split(": ")[-1].split(", ")
                    total += sum(int(p.split()[0]) for p in parts if p.endswith("decoded"))
    return total


def modify(paths: list[Path]) -> None:
    for path in paths:
        with Image.open(path) as im:
            exif = im.info.get("exif", b"")
            im.convert("RGB").save(path, "JPEG", quality=85, exif=exif)


def big_photo_run(args: argparse.Namespace, base: Path) -> None:
    library = base / "library"
    print(f"making {args.photos} photos of 12 MP from real photographs ...", flush=True)
    paths = make_camera_photos(library, args.photos, seed=0)
    size_mb = sum(p.stat().st_size for p in paths) / 1e6
    print(f"{len(paths)} photos, {size_mb:.0f} MB, folders of 100")
    floor = decode_floor(paths, args.cores, base / "floor-cache")
    a = naive(paths, args.cores) if not args.no_naive else float("nan")
    workdir = base / "work"
    b, rss, c = cold_then_noop(workdir, library, args.cores)
    modify(paths[:10])
    started = time.time()
    d = snakemake(workdir, library, args.cores)
    d_decodes = decodes_since(workdir, started)
    folder = paths[0].parent
    folder.rename(folder.with_name(folder.name + "-renamed"))
    started = time.time()
    e = snakemake(workdir, library, args.cores)
    e_decodes = decodes_since(workdir, started)
    g = difpy(library) if not args.no_difpy else float("nan")
    h = czkawka(library)
    print()
    print(f"(a) naive (full decode + whash, {args.cores} processes): {a:8.1f} s")
    print(f"(b) workflow, cold:                          {b:8.1f} s  ({len(paths) / b:.1f} photos/s)")
    print(f"(c) no-op rerun:                             {c:8.1f} s")
    print(f"(d) rerun after modifying 10 photos:         {d:8.1f} s  ({d_decodes} photos decoded)")
    print(f"(e) rerun after renaming a folder of 100:    {e:8.1f} s  ({e_decodes} photos decoded)")
    print(f"(f) peak memory of any workflow process:     {rss:8.0f} MB")
    print(f"(g) difPy (similarity='similar'):            {g:8.1f} s")
    print(f"(h) czkawka (similarity 15, all cores):      {h:8.1f} s")
    print(f"decode floor (N x per-photo time / cores):   {floor:8.1f} s")
    print(f"b/a = {b / a:.3f}   b/g = {b / g:.3f}   b/h = {b / h:.3f}   d/b = {d / b:.3f}   b/floor = {b / floor:.2f}")


def small_photo_run(args: argparse.Namespace, base: Path) -> None:
    library = base / "small-library"
    print(f"\nmaking {args.small} small photos ...", flush=True)
    paths = make_small_photos(library, args.small, seed=1)
    workdir = base / "small-work"
    cold = snakemake(workdir, library, args.cores)
    jobs = list((workdir / "logs" / "benchmarks" / "fingerprint").glob("*.tsv"))
    job_seconds = sum(float(p.read_text().splitlines()[1].split("\t")[0]) for p in jobs)
    noop = snakemake(workdir, library, args.cores)
    modify(paths[:: len(paths) // 10][:10])
    ten = snakemake(workdir, library, args.cores)
    overhead = 1 - job_seconds / (cold * args.cores)
    print(
        f"{len(paths)} small photos: cold {cold:.1f} s in {len(jobs)} fingerprint jobs (their own time "
        f"{job_seconds:.1f} s; everything else {100 * overhead:.0f} % of the cores' time)"
    )
    print(f"(c) no-op rerun at {len(paths)}: {noop:.1f} s")
    print(f"(d) 10 modified photos at {len(paths)}: {ten:.1f} s")


def sidecar_run(args: argparse.Namespace, base: Path) -> None:
    folder = base / "sidecars"
    print(f"\nmaking {args.sidecars} sidecars (generated, with near-duplicate groups) ...", flush=True)
    chunks = make_sidecar_chunks(folder, args.sidecars, seed=2)
    scan = folder / "scan.json"
    scan.write_text(json.dumps({"libraries": ["/generated"], "counts": {"photo": args.sidecars}, "problems": []}))
    code = (
        "import sys, json\n"
        "from photo_dedup.choose.gather import find_groups\n"
        "a = json.loads(sys.argv[1])\n"
        "find_groups(a['chunks'], a['scan'], [], {}, {}, a['csv'], a['json'], a['unreadable'], a['pairs'])\n"
    )
    params = {
        "chunks": [str(c) for c in chunks], "scan": str(scan), "csv": str(folder / "groups.csv"),
        "json": str(folder / "groups.json"), "unreadable": str(folder / "unreadable.csv"),
        "pairs": str(folder / "pairs.csv"),
    }  # fmt: skip
    seconds = measured([sys.executable, "-c", code, json.dumps(params)])
    summary = json.loads((folder / "groups.json").read_text())["summary"]
    print(
        f"gather step on {args.sidecars} photos: {seconds:.1f} s, peak memory {LAST_RUN_PEAK_MB[0]:.0f} MB, "
        f"{summary['groups']} groups found"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", type=int, default=200)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--sidecars", type=int, default=100_000)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--no-difpy", action="store_true")
    parser.add_argument("--no-naive", action="store_true", help="skip (a): at 10^4 photos it takes ~40 min")
    parser.add_argument("--mixed", action="store_true", help="also time the mixed library against czkawka")
    parser.add_argument(
        "--real-mixed", action="store_true", help="also time the real-world corpus's photos (--mirrors) against czkawka"
    )
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"), help="git mirrors of the real corpus")
    parser.add_argument("--heic", type=int, default=0, help="also time this many 12 MP HEICs against czkawka")
    parser.add_argument("--phone-heic", type=int, default=0, help="also time this many real phone HEICs (copies)")
    parser.add_argument(
        "--paired-share",
        type=float,
        default=None,
        help="phone HEICs: only this share keep their own thumbnail (pair); the rest get one of their own",
    )
    parser.add_argument(
        "--heic-sources", type=Path, default=REPO.parent / "shared" / "photos" / "heic", help="folder of the real HEICs"
    )
    parser.add_argument("--workdir", type=Path, default=REPO / "bench-work" / "speed")
    args = parser.parse_args()
    base = args.workdir.resolve()
    if base.exists():
        shutil.rmtree(base)
    base.mkdir(parents=True)
    np.random.seed(0)
    if args.photos:
        big_photo_run(args, base)
    if args.mixed:
        mixed_run(args, base)
    if args.real_mixed:
        real_mixed_run(args, base)
    if args.heic:
        heic_run(args, base)
    if args.phone_heic:
        phone_heic_run(args, base)
    if args.small:
        small_photo_run(args, base)
    if args.sidecars:
        sidecar_run(args, base)
    print_table()


if __name__ == "__main__":
    main()
