"""Identical frames: the gather step on N photos that are one picture (a night time-lapse, blank scans).

    python benchmarks/identical_frames.py                    # N = 3,000 and 10,000
    python benchmarks/identical_frames.py --frames 500 --near 1000
    python benchmarks/identical_frames.py --source OLD/src   # another version of the package

For each N it writes generated sidecar records (as the fingerprint step does, under
bench-work/identical-frames/) and runs the gather step (analysis.find_groups, the whole of it:
load, grouping, tiers, tables) in a fresh process, printing its wall time and peak memory:

- byte-identical: N copies with one SHA-256;
- pixel-identical: N files of one picture with N SHA-256s (other metadata bytes);
- near-identical (--near, off by default): N frames of one picture with a little noise each, so
  no two fingerprints are equal: these are still compared pair by pair (quadratic), as two
  photos that differ must be.

Every case adds 1,000 unrelated photos, so the search still has a library around the frames.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from photo_dedup.cache.chunk_records import ChunkWriter

sys.path.insert(0, str(Path(__file__).parent))
from generated import sidecar_record  # noqa: E402

WORK = Path("bench-work") / "identical-frames"
OTHERS = 1_000
CHILD = """
import json, resource, sys, time
started = time.monotonic()
from photo_dedup.choose.gather import find_groups
a = json.loads(sys.argv[1])
find_groups(a["chunks"], a["scan"], [], {}, {}, a["csv"], a["json"], a["unreadable"], a["pairs"])
seconds = time.monotonic() - started
summary = json.loads(open(a["json"]).read())["summary"]
with open(a["pairs"]) as pairs:
    measured = sum(1 for _ in pairs) - 1
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak, "groups": summary["groups"],
                  "to_remove": summary["files_to_remove"], "pairs": measured}))
"""


def record(i: int, digest: str, luma: np.ndarray, phash: int, dhash: int) -> dict[str, object]:
    return sidecar_record(f"/generated/night/IMG_{i:06d}.jpg", digest, 3_000_000 + i, luma, phash, dhash)


def write_case(folder: Path, kind: str, n: int, seed: int = 7) -> list[Path]:
    """N frames of one picture of `kind`, then OTHERS unrelated photos, in chunks of 1,000."""
    rng = np.random.default_rng(seed)
    picture = rng.normal(128, 40, (64, 64)).clip(0, 255)
    phash, dhash = int(rng.integers(0, 2**63)), int(rng.integers(0, 2**63))
    records = []
    for i in range(n):
        if kind == "byte-identical":
            records.append(record(i, "f" * 64, picture, phash, dhash))
        elif kind == "pixel-identical":
            records.append(record(i, f"{i:064x}", picture, phash, dhash))
        else:  # near-identical: a little noise, and two of the 64 hash bits flipped
            noisy = (picture + rng.normal(0, 2, (64, 64))).clip(0, 255)
            flips = sum(1 << int(b) for b in rng.choice(64, 2, replace=False))
            records.append(record(i, f"{i:064x}", noisy, phash ^ flips, dhash ^ flips))
    for j in range(OTHERS):
        luma = rng.integers(0, 256, (64, 64))
        other = record(n + j, f"{n + j:064x}", luma, int(rng.integers(0, 2**63)), int(rng.integers(0, 2**63)))
        other["path"] = f"/generated/others/IMG_{j:06d}.jpg"
        records.append(other)
    folder.mkdir(parents=True, exist_ok=True)
    chunks = []
    for start in range(0, len(records), 1000):
        path = folder / f"c{start // 1000:05d}.jsonl"
        with ChunkWriter(path) as out:
            for one in records[start : start + 1000]:
                out.write(one)
        chunks.append(path)
    return chunks


def gather(folder: Path, chunks: list[Path], source: str | None) -> dict[str, float]:
    scan = folder / "scan.json"
    scan.write_text(json.dumps({"libraries": ["/generated"], "counts": {"photo": 0}, "problems": []}))
    params = {
        "chunks": [str(c) for c in chunks], "scan": str(scan), "csv": str(folder / "groups.csv"),
        "json": str(folder / "groups.json"), "unreadable": str(folder / "unreadable.csv"),
        "pairs": str(folder / "pairs.csv"),
    }  # fmt: skip
    env = dict(os.environ)
    if source:
        env["PYTHONPATH"] = os.path.abspath(source)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(params)], check=True, capture_output=True, text=True, env=env
    )
    result: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
    result["process_seconds"] = time.monotonic() - started
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, nargs="+", default=[3_000, 10_000], help="identical frames (N)")
    parser.add_argument("--near", type=int, nargs="*", default=[], help="near-identical frames (quadratic)")
    parser.add_argument("--source", help="the src folder of another version of photo_dedup, to compare")
    args = parser.parse_args()
    cases = [(kind, n) for n in args.frames for kind in ("byte-identical", "pixel-identical")]
    cases += [("near-identical", n) for n in args.near]
    print(f"gather step (find_groups) on N frames of one picture + {OTHERS:,} other photos, one process each")
    columns = (("frames", 16), ("N", 7), ("seconds", 8), ("process s", 9), ("peak MB", 8), ("pairs", 9))
    print(*(f"{name:>{width}}" for name, width in columns), f"{'groups':>6} {'removed':>8}")
    for kind, n in cases:
        folder = WORK / f"{kind}-{n}"
        result = gather(folder, write_case(folder, kind, n), args.source)
        print(
            f"{kind:>16} {n:>7,} {result['seconds']:>8.1f} {result['process_seconds']:>9.1f} "
            f"{result['peak_mb']:>8.0f} {int(result['pairs']):>9,} {int(result['groups']):>6} "
            f"{int(result['to_remove']):>8,}",
            flush=True,
        )


if __name__ == "__main__":
    main()
