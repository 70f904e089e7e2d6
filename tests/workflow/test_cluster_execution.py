"""The workflow run with its jobs submitted as separate processes, as on a cluster.

Snakemake's own cluster-generic executor plugin submits each (grouped) job through a
small local submit script standing in for the scheduler; the results must equal a
local run's.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from support.library_factory import build_library
from support.workflow_runner import REPO, snakemake

pytestmark = pytest.mark.e2e


def test_cluster_jobs_produce_the_same_groups(tmp_path):
    library = build_library(tmp_path / "library")
    config = ["--config", f"library={library.root}", "photos_per_job=6"]
    local = snakemake(tmp_path / "local", *config)
    assert local.returncode == 0, local.stderr

    log = tmp_path / "submissions.log"
    submit = REPO / "tests" / "support" / "fake_scheduler" / "submit.sh"
    cluster = snakemake(
        tmp_path / "cluster",
        "--executor",
        "cluster-generic",
        "--cluster-generic-submit-cmd",
        f"FAKE_SCHEDULER_LOG={log} {submit}",
        "--jobs",
        "4",
        "--group-components",
        "fingerprint=3",
        "verify=3",
        "--latency-wait",
        "30",
        *config,
    )
    assert cluster.returncode == 0, cluster.stdout + cluster.stderr
    submissions = log.read_text().splitlines()
    chunks = len(list((tmp_path / "cluster" / "cache" / "manifests").glob("*.jsonl")))
    assert chunks > 3
    verify_jobs = len(list((tmp_path / "cluster" / "cache" / "verify" / "lists").glob("*.jsonl")))
    # grouped: about a third as many submissions as chunk jobs and verify jobs, the report steps stay local
    assert 0 < len(submissions) <= -(-chunks // 3) + -(-verify_jobs // 3)

    def groups(workdir: Path) -> set[frozenset[str]]:
        rows = pd.read_csv(workdir / "results" / "groups.csv", keep_default_na=False)
        return {frozenset(m["path"]) for _, m in rows.groupby("group_id")}

    assert groups(tmp_path / "cluster") == groups(tmp_path / "local")
