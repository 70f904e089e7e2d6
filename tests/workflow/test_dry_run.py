"""Reading the workflow changes nothing: `snakemake -n` and `snakemake --lint` write, withdraw and
build nothing, and the dry run still plans exactly the jobs the run then makes (real Snakemake runs)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support.library_factory import build_library
from support.workflow_runner import jobs_run, snakemake

pytestmark = pytest.mark.e2e


def tree(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Every file under `folder` (Snakemake's own .snakemake/ left out) with its mtime and bytes."""
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and relative.parts[0] != ".snakemake":
            found[relative.as_posix()] = (path.stat().st_mtime_ns, path.read_bytes())
    return found


def test_a_dry_run_and_lint_in_a_fresh_folder_build_nothing(tmp_path):
    dry = snakemake(tmp_path, "-n")  # no library given: the demo, which a real run would build
    assert dry.returncode == 0, dry.stderr
    assert "demo library" in dry.stderr and "not built on a dry run" in dry.stderr
    lint = snakemake(tmp_path, "--lint")
    assert "Lints for rule" in lint.stdout + lint.stderr  # it read the rules
    assert sorted(path.name for path in tmp_path.iterdir() if path.name != ".snakemake") == []


def test_a_dry_run_plans_what_the_run_does_and_changes_nothing(tmp_path):
    library = build_library(tmp_path / "library").root
    work = tmp_path / "work"
    config = ("--config", f"library={library}", "photos_per_job=4")
    first = snakemake(work, *config)
    assert first.returncode == 0, first.stderr
    shutil.copy(library / "Masters" / "astronaut.jpg", library / "Masters" / "astronaut again.jpg")
    before = tree(work)

    dry = snakemake(work, "-n", *config)
    assert dry.returncode == 0, dry.stderr
    planned = jobs_run(dry, "fingerprint_chunk")
    assert planned >= 1 and jobs_run(dry, "find_groups") == 1
    assert tree(work) == before  # no manifest rewritten, no chunk removed, no scan report, no progress plan
    run = snakemake(work, *config)
    assert run.returncode == 0, run.stderr
    assert jobs_run(run, "fingerprint_chunk") == planned and jobs_run(run, "find_groups") == 1
    nothing = snakemake(work, "-n", *config)
    assert "Nothing to be done" in nothing.stdout + nothing.stderr

    shutil.rmtree(work / "cache" / "chunks")
    before = tree(work)
    dry = snakemake(work, "-n", *config)
    assert dry.returncode == 0, dry.stderr
    chunks = len(list((work / "cache" / "manifests").glob("*.jsonl")))
    assert chunks > 1 and jobs_run(dry, "fingerprint_chunk") == chunks and jobs_run(dry, "find_groups") == 1
    assert tree(work) == before  # the results are not withdrawn
    assert (work / "results" / "report.html").exists()


def test_reading_the_workflow_imports_no_pandas_numpy_or_pil():
    """What the Snakefile and its rule files import while Snakemake reads them stays light (pandas
    alone took 0.5 s of every parse): a fresh interpreter imports them all and is asked what came."""
    import re
    import subprocess
    import sys

    from support.workflow_runner import REPO

    files = [REPO / "Snakefile", *(REPO / "workflow" / "rules").glob("*.smk")]
    texts = [path.read_text() for path in files]
    modules = sorted({name for text in texts for name in re.findall(r"^from (photo_dedup[\w.]*) import", text, re.M)})
    assert "photo_dedup.outputs.run_summary" in modules and "photo_dedup.scan.run_setup" in modules
    heavy = "('pandas', 'numpy', 'PIL')"
    probe = f"import sys, {', '.join(modules)}; print(sorted(m for m in {heavy} if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
