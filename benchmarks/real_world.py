"""Real-world check: public test photos this project was not built on, labelled by hand.

    python benchmarks/real_world.py --mirrors /work/.mirror      # a line per labelled set pair, a few misses each
    python benchmarks/real_world.py --mirrors DIR --every-pair   # and every missed file pair

The corpus (benchmarks/real_world_labels.py: 486 files from 9 public repositories, their commits,
paths and licences, and the labels) is not kept in this repository: it is extracted at run time from
git mirrors of those repositories, `DIR/<owner>+<name>/repo` (or `DIR/<owner>+<name>`), with
`git show <commit>:<path>`, into `<workdir>/library/<repo key>/<path>` (a hidden folder as `_.name`).

Runs the real workflow (with similar_shots) and prints, against the labels:
- for every labelled pair of copy sets (a copy set with itself, a shot's original with one of its
  edits, two sets of one scene, a look-alike pair) the tiers its file pairs were placed in, and the
  file pairs placed in another tier than the label's (a few, or with --every-pair all of them);
- a table of labelled kind (copy, edit, similar, look-alike, none) against placed tier, over file pairs;
- the copy tier's pairwise precision, recall and F1;
- wrong deletions: a file the script would remove whose kept photo is not a labelled copy of it;
- copy groups that keep the labelled original (or a byte-identical twin, or, counted apart, a lossless
  file of the same pixels);
- edits placed in the edit tier beside their shot's original (an edit or similar group names one photo of
  each copy group, and counts for all of them); bursts and retakes in the similar tier;
- unrelated photos in any group, and unreadable files.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from detection import run_workflow  # noqa: E402
from real_world_labels import COMMIT_OF, LOOKALIKES, NO_ORIGINAL, REPOS, SCENES, SETS, SHOTS  # noqa: E402

from photo_dedup.workflow.command import REPO  # noqa: E402

TIERS = ("copy", "edit", "similar", "none")
KINDS = ("copy", "edit", "edit-edit", "similar", "look-alike", "none")
Pair = tuple[str, str]


def pair(a: str, b: str) -> Pair:
    return (a, b) if a < b else (b, a)


def mirror_of(mirrors: Path, repo: str) -> Path:
    folder = mirrors / repo.replace("/", "+")
    return folder / "repo" if (folder / "repo").is_dir() else folder


def on_disk(key: str) -> str:
    """A file's place in the library: `<repo>/<path>`, a hidden folder (`.photoprism/`) shown as `_.photoprism/`
    (the workflow skips hidden folders, as a photo library's tools do)."""
    return key.replace(":", "/", 1).replace("/.", "/_.")


def key_of(relative: str) -> str:
    return relative.replace("/_.", "/.").replace("/", ":", 1)


def extract(mirrors: Path, library: Path) -> None:
    """Write every labelled file from its repository's mirror into the library."""
    for files in SETS.values():
        for key in files:
            repo, path = key.split(":", 1)
            commit = COMMIT_OF.get(key, REPOS[repo].commit)
            data = subprocess.run(
                ["git", "--git-dir", str(mirror_of(mirrors, REPOS[repo].name)), "show", f"{commit}:{path}"],
                check=True,
                capture_output=True,
            ).stdout
            target = library / on_disk(key)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)


def labelled_pairs() -> tuple[dict[Pair, str], dict[Pair, list[Pair]]]:
    """Every labelled file pair's kind, and the file pairs of each labelled set pair."""
    kinds: dict[Pair, str] = {}
    units: dict[Pair, list[Pair]] = {}
    for name, files in SETS.items():
        if len(files) > 1:
            units[(name, name)] = [pair(a, b) for a, b in itertools.combinations(files, 2)]
    for sets in SCENES:
        for x, y in itertools.combinations(sets, 2):
            units[(x, y)] = [pair(a, b) for a in SETS[x] for b in SETS[y]]
    for x, y in LOOKALIKES:
        units[(x, y)] = [pair(a, b) for a in SETS[x] for b in SETS[y]]
    for sets in SHOTS:
        for y in sets[1:]:
            units[(sets[0], y)] = [pair(a, b) for a in SETS[sets[0]] for b in SETS[y]]
    for (x, y), pairs in units.items():
        kind = "copy" if x == y else "similar"
        if x != y and any(x == s[0] and y in s for s in SHOTS):
            kind = "edit"
        if (x, y) in LOOKALIKES:
            kind = "look-alike"
        for p in pairs:
            kinds[p] = kind
    for sets in SHOTS:  # two edits of one shot: labelled, to be told apart from unrelated pairs
        for x, y in itertools.combinations(sets[1:], 2):
            for p in (pair(a, b) for a in SETS[x] for b in SETS[y]):
                kinds[p] = "edit-edit"
    return kinds, units


def placed(rows: pd.DataFrame) -> tuple[dict[Pair, str], dict[str, list[tuple[str, set[str]]]]]:
    """For every pair of files sharing a group, the closest tier they share; and each file's groups.

    An edit or similar group lists one photo of each copy group (its keeper): the other copies count as
    placed there too, as the page shows them. A similar group is built likewise between the photos that
    stay once the edits are grouped, so it lists one photo of each edit group (its first): the edits of
    that photo count as placed in it too (a crop of one burst frame, beside the other frame)."""
    copies_of: dict[str, set[str]] = {}
    for _, members in rows[rows["relation"] == "copy"].groupby("group_id"):
        keys = set(members["key"])
        for key in keys:
            copies_of[key] = keys
    edits_of: dict[str, set[str]] = {}  # an edit group's first photo: every file of its group
    for _, members in rows[rows["relation"] == "edit"].groupby("group_id", sort=False):
        first = str(members["key"].iloc[0])
        edits_of[first] = set().union(*(copies_of.get(key, {key}) for key in members["key"]))
    tiers: dict[Pair, str] = {}
    groups_of: dict[str, list[tuple[str, set[str]]]] = defaultdict(list)
    for _, members in rows.groupby("group_id"):
        relation = str(members["relation"].iloc[0])
        keys = set(members["key"])
        if relation != "copy":
            keys = set().union(*(copies_of.get(key, {key}) for key in keys))
        if relation == "similar":
            keys = keys.union(*(edits_of.get(key, set()) for key in keys))
        for key in keys:
            groups_of[key].append((relation, keys))
        for a, b in itertools.combinations(sorted(keys), 2):
            if TIERS.index(relation) < TIERS.index(tiers.get((a, b), "none")):
                tiers[(a, b)] = relation
    return tiers, groups_of


def holds_whole(kept: Path, original: Path) -> bool:
    """Whether `kept` starts with every byte of `original` and holds more (a motion photo's video
    appended to the very JPEG): keeping it loses nothing of the original."""
    whole = original.read_bytes()
    with open(kept, "rb") as handle:
        return handle.read(len(whole)) == whole and kept.stat().st_size > len(whole)


def same_pixels(a: Path, b: Path) -> bool:
    from PIL import Image, ImageOps

    import photo_dedup.fingerprint.decode  # noqa: F401 - registers the HEIF, AVIF and JPEG XL openers

    try:
        with Image.open(a) as one, Image.open(b) as two:
            x = np.asarray(ImageOps.exif_transpose(one).convert("RGB"))
            y = np.asarray(ImageOps.exif_transpose(two).convert("RGB"))
    except Exception:  # noqa: BLE001 - a file Pillow cannot read has no pixels to compare
        return False
    return x.shape == y.shape and bool((x == y).all())


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def counts(tiers: list[str]) -> str:
    c = Counter(tiers)
    return " / ".join(f"{c.get(t, 0)}" for t in TIERS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mirrors", type=Path, required=True, help="a folder of git mirrors, <owner>+<name>[/repo]")
    parser.add_argument("--workdir", type=Path, default=REPO / "bench-work" / "real-world")
    parser.add_argument("--every-pair", action="store_true", help="list every missed file pair")
    args = parser.parse_args()
    workdir = args.workdir.resolve()
    if workdir.exists():
        shutil.rmtree(workdir)
    library = workdir / "library"
    extract(args.mirrors.resolve(), library)
    seconds = run_workflow(library, workdir / "work", "similar_shots=true")
    results = workdir / "work" / "results"
    rows = pd.read_csv(results / "groups.csv", keep_default_na=False)
    rows["key"] = [key_of(str(Path(p).relative_to(library))) for p in rows["path"]]
    rows["keep"] = rows["keep"].astype(str).str.lower() == "true"
    unreadable = pd.read_csv(results / "unreadable.csv", keep_default_na=False)
    tiers, groups_of = placed(rows)
    kinds, units = labelled_pairs()
    set_of = {key: name for name, files in SETS.items() for key in files}
    path_of = {key: library / on_disk(key) for key in set_of}

    files = len(set_of)
    repos = len({key.split(":")[0] for key in set_of})
    print(f"{files} real files from {repos} repositories, {len(SETS)} copy sets; workflow {seconds:.1f} s")
    print("labelled file pairs: " + ", ".join(f"{k} {n}" for k, n in sorted(Counter(kinds.values()).items())))
    print(f"unreadable: {len(unreadable)}")
    for row in unreadable.itertuples():
        print(f"  {key_of(str(Path(row.path).relative_to(library)))}: {row.reason}")

    print(
        "\nlabelled set pairs: copy sets and look-alikes (with --every-pair also edits and scenes), as placed "
        "copy / edit / similar / none; 'ok' when all are in the label's tier:"
    )
    for (x, y), pairs in sorted(units.items(), key=lambda item: (KINDS.index(kinds[item[1][0]]), item[0])):
        kind = kinds[pairs[0]]
        if kind in ("edit", "similar") and not args.every_pair:
            continue  # below, by edit and by scene
        got = [tiers.get(p, "none") for p in pairs]
        want = "none" if kind == "look-alike" else kind
        mark = "ok  " if all(g == want for g in got) else "MISS"
        label = x if x == y else f"{x} ~ {y}"
        print(f"  {mark} {kind:<10} {counts(got):<18} {label}")
        misses = [(p, g) for p, g in zip(pairs, got, strict=True) if g != want]
        first = {g: (p, g) for p, g in reversed(misses)}  # one example of each tier
        shown = misses if args.every_pair else sorted(first.values(), key=lambda m: TIERS.index(m[1]))
        for (a, b), g in shown:
            print(f"         -> {g}: {a} ~ {b}")
        if len(shown) < len(misses):
            print(f"         ... {len(misses) - len(shown)} more (--every-pair lists them)")

    print("\ntwo edits of one shot (edit-edit; the edit tier is right, none is not wrong), by tier:")
    for sets in SHOTS:
        got = [
            tiers.get(pair(a, b), "none")
            for x, y in itertools.combinations(sets[1:], 2)
            for a in SETS[x]
            for b in SETS[y]
        ]
        if got:
            print(f"  {'':<4} {counts(got):<18} {sets[0]}: {len(sets) - 1} edits")

    print("\nfile pairs by label (rows) and placed tier (columns):")
    table: dict[str, Counter[str]] = {k: Counter() for k in KINDS}
    for p, kind in kinds.items():
        table[kind][tiers.get(p, "none")] += 1
    unlabelled = {p: t for p, t in tiers.items() if p not in kinds}
    table["none"].update(unlabelled.values())
    print(f"  {'':<11}" + "".join(f"{t:>9}" for t in TIERS))
    for kind in KINDS:
        print(f"  {kind:<11}" + "".join(f"{table[kind].get(t, 0):>9}" for t in TIERS))
    print("  (none: unlabelled pairs; only those placed in a group are counted, every other pair is 'none')")

    truth = {p for p, k in kinds.items() if k == "copy"}
    found = {p for p, t in tiers.items() if t == "copy"}
    hits = len(truth & found)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(truth)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(
        f"\ncopy tier: pairwise precision {precision:.3f}, recall {recall:.3f}, F1 {f1:.3f} "
        f"({hits} of {len(truth)} copy pairs; {len(found)} pairs placed in it)"
    )

    copies = rows[rows["relation"] == "copy"]
    keeper = {gid: m.loc[m["keep"], "key"].iloc[0] for gid, m in copies.groupby("group_id") if m["keep"].any()}
    wrong = [
        (r.key, keeper[r.group_id])
        for r in copies[~copies["keep"]].itertuples()
        if set_of[r.key] != set_of[keeper[r.group_id]]
    ]
    print(f"\nwrong deletions (removed, while the kept photo is not a labelled copy of it): {len(wrong)}")
    for key, kept in wrong:
        print(f"  {key} (kept: {kept}; labels: {kinds.get(pair(key, kept), 'unrelated')})")

    originals = {files[0] for name, files in SETS.items() if name not in NO_ORIGINAL and len(files) > 1}
    kept_original = kept_twin = kept_whole = kept_pixels = 0
    other: list[str] = []
    with_original = 0
    for gid, members in copies.groupby("group_id"):
        present = originals & set(members["key"])
        if not present or gid not in keeper:
            continue
        with_original += 1
        original, kept = present.pop(), keeper[gid]
        if kept == original:
            kept_original += 1
        elif digest(path_of[kept]) == digest(path_of[original]):
            kept_twin += 1
        elif holds_whole(path_of[kept], path_of[original]):
            kept_whole += 1
            other.append(f"  the original's bytes whole and more: kept {kept}, original {original}")
        elif same_pixels(path_of[kept], path_of[original]):
            kept_pixels += 1
            other.append(f"  same pixels: kept {kept}, original {original}")
        else:
            other.append(f"  kept {kept}, original {original}")
    print(
        f"\ncopy groups holding a labelled original: {with_original}; keep it {kept_original}, a byte-identical twin "
        f"{kept_twin}, a file holding its bytes whole and more (a video appended) {kept_whole} "
        f"({kept_original + kept_twin + kept_whole} of {with_original}); a file of the same pixels "
        f"{kept_pixels}; another copy {with_original - kept_original - kept_twin - kept_whole - kept_pixels}"
    )
    print("\n".join(other))

    print("\nedits beside their shot's original (first set), by tier (copy / edit / similar / none):")
    for sets in SHOTS:
        base = set(SETS[sets[0]])
        for name in sets[1:]:
            got = []
            for key in SETS[name]:
                shared = [rel for rel, members in groups_of.get(key, []) if base & members - {key}]
                got.append(min(shared, key=TIERS.index) if shared else "none")
            print(f"  {'ok  ' if set(got) == {'edit'} else 'MISS'} {counts(got):<14} {name} (of {sets[0]})")
            missed = [(key, g) for key, g in zip(SETS[name], got, strict=True) if g != "edit"]
            if missed:
                print(
                    f"         -> {missed[0][1]}: {missed[0][0]}"
                    + (f" (and {len(missed) - 1} more)" if len(missed) > 1 else "")
                )

    print("\nbursts and retakes, by tier (copy / edit / similar / none):")
    for sets in SCENES:
        pairs = [pair(a, b) for x, y in itertools.combinations(sets, 2) for a in SETS[x] for b in SETS[y]]
        got = [tiers.get(p, "none") for p in pairs]
        print(f"  {'ok  ' if set(got) == {'similar'} else 'MISS'} {counts(got):<14} {' ~ '.join(sets)}")
        missed = [(p, g) for p, g in zip(pairs, got, strict=True) if g != "similar"]
        if missed:
            (a, b), g = missed[0]
            print(f"         -> {g}: {a} ~ {b}" + (f" (and {len(missed) - 1} more)" if len(missed) > 1 else ""))

    print(f"\nunrelated photos in one group (pairs no label relates): {len(unlabelled)}")
    for (a, b), t in sorted(unlabelled.items(), key=lambda item: (TIERS.index(item[1]), item[0])):
        print(f"  {t}: {a} ~ {b}")
    lookalikes_grouped = [(p, tiers[p]) for p, k in kinds.items() if k == "look-alike" and p in tiers]
    print(f"look-alikes (different photos) in one group: {len(lookalikes_grouped)}")
    for (a, b), t in sorted(lookalikes_grouped):
        print(f"  {t}: {a} ~ {b}")


if __name__ == "__main__":
    main()
