"""Do two versions of the workflow write the same outputs on the same library? (issue 22's check)

Runs the workflow of a git ref (checked out into a temporary worktree) and of this working tree, one
after the other in one working folder (so the paths inside the outputs are alike), on the demo and on
any library given, and compares every file under results/ byte for byte, except the scripts' date
line. Prints one line a file and exits 1 on any difference.

    python benchmarks/same_outputs.py --before main~1 [--library /path/to/photos]
"""

from __future__ import annotations

import argparse
import filecmp
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATE_LINE = re.compile(rb"^# (Written|Made|Generated)[^\n]*\d{4}-\d\d-\d\d[^\n]*$", re.M)


def run(tree: Path, workdir: Path, library: str | None) -> Path:
    """The workflow of `tree` in `workdir` (made anew); returns a copy of its results/."""
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    command = [sys.executable, "-m", "snakemake", "--snakefile", str(tree / "Snakefile")]
    command += ["--configfile", str(tree / "config.yaml"), "--directory", str(workdir), "--cores", "2"]
    command += ["--quiet", "host"]
    if library:
        command += ["--config", f"library={library}"]
    env = os.environ | {"PYTHONPATH": str(tree / "src")}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{tree}: the workflow failed:\n{done.stderr[-3000:]}")
    kept = workdir.parent / f"{workdir.name}-{tree.name}-results"
    shutil.rmtree(kept, ignore_errors=True)
    shutil.copytree(workdir / "results", kept)
    return kept


def same(a: Path, b: Path) -> bool:
    if a.suffix == ".sh":
        return DATE_LINE.sub(b"", a.read_bytes()) == DATE_LINE.sub(b"", b.read_bytes())
    return filecmp.cmp(a, b, shallow=False)


def compare(before: Path, after: Path) -> int:
    files = sorted({p.relative_to(before) for p in before.rglob("*") if p.is_file()})
    files += sorted({p.relative_to(after) for p in after.rglob("*") if p.is_file()} - set(files))
    differ = 0
    for name in files:
        one, two = before / name, after / name
        if not one.exists() or not two.exists():
            print(f"  only in {'after' if two.exists() else 'before'}: {name}")
            differ += 1
        elif not same(one, two):
            print(f"  differs: {name}")
            differ += 1
    print(f"  {len(files) - differ} of {len(files)} files the same")
    return differ


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="a git ref: the version to compare with")
    parser.add_argument(
        "--library",
        action="append",
        type=lambda path: str(Path(path).resolve()),
        default=[],
        help="a library to run both on (besides the demo)",
    )
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="same-outputs-"))
    before_tree = scratch / "before"
    worktree = ["git", "-C", str(REPO), "worktree"]
    subprocess.run([*worktree, "add", "-q", "--detach", str(before_tree), args.before], check=True)
    differ = 0
    try:
        for library in [None, *args.library]:
            print(f"{library or 'the demo'}:")
            workdir = scratch / "work"
            before = run(before_tree, workdir, library)
            after = run(REPO, workdir, library)
            differ += compare(before, after)
    finally:
        subprocess.run([*worktree, "remove", "--force", str(before_tree)], check=False)
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
