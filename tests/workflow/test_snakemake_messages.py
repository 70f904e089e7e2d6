"""Snakemake's own errors and a no-op rerun reach the terminal in one `photo-dedup:` line under the
default profile's `quiet: [all]` (real Snakemake runs; the unit tests use Snakemake's own exceptions)."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from snakemake.exceptions import IncompleteFilesException, LockException
from support.library_factory import build_library
from support.workflow_runner import REPO, snakemake

from photo_dedup.workflow.messages import error_line

QUIET_AS_THE_PROFILE = ("--quiet", "all")  # what profiles/default sets (the runner asks for host)
TARGET = ("--nocolor",)  # a flag that takes no value, so that --quiet and --config do not take the target


def ours(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("photo-dedup:")]


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """A working folder with a finished run, and its library."""
    root = tmp_path_factory.mktemp("messages")
    library = build_library(root / "library").root
    run = snakemake(root / "work", "--config", f"library={library}")
    assert run.returncode == 0, run.stderr
    return root / "work", library


@pytest.mark.e2e
def test_a_no_op_rerun_says_since_when_the_results_are_current(finished):
    work, library = finished
    rerun = snakemake(work, "--config", f"library={library}", *QUIET_AS_THE_PROFILE)
    assert rerun.returncode == 0, rerun.stderr
    since = time.strftime("%H:%M", time.localtime((work / "results" / "report.html").stat().st_mtime))
    assert ours(rerun.stderr) == [f"photo-dedup: nothing changed since {since}; results/report.html is current"]


@pytest.mark.e2e
def test_a_target_no_rule_makes_is_one_line_with_the_fix(finished):
    work, library = finished
    result = snakemake(work, "--config", f"library={library}", *QUIET_AS_THE_PROFILE, *TARGET, "results/nothing.csv")
    assert result.returncode != 0
    assert ours(result.stderr) == [
        "photo-dedup: nothing in this workflow makes results/nothing.csv: run plain snakemake (it makes "
        "results/), or ask for a photo's sidecar as cache/sidecars/<its absolute path without the leading />.json"
    ]
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.e2e
def test_a_missing_input_is_one_line_naming_it(finished):
    work, library = finished
    missing = library / "Masters" / "not there.jpg"
    sidecar = f"cache/sidecars/{str(missing).lstrip('/')}.json"
    result = snakemake(work, "--config", f"library={library}", *QUIET_AS_THE_PROFILE, *TARGET, sidecar)
    assert result.returncode != 0
    lines = ours(result.stderr)
    assert len(lines) == 1 and lines[0].startswith(f"photo-dedup: missing input {missing}: check the path")


@pytest.mark.e2e
def test_a_broken_config_yaml_is_one_line_with_what_to_fix(tmp_path):
    (tmp_path / "config.yaml").write_text("library: [unclosed\n")  # read by the Snakefile's configfile:
    command = [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile"), "--cores", "1"]
    result = subprocess.run([*command, *QUIET_AS_THE_PROFILE], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode != 0
    assert ours(result.stderr) == [
        "photo-dedup: Snakemake stopped: Config file is not valid JSON or YAML. In case of YAML, make sure "
        "to not mix whitespace and tab indentation. (run again with --quiet host to see Snakemake's own messages)"
    ]


def test_snakemakes_lock_and_incomplete_files_errors_name_their_fix():
    assert error_line("LockException", str(LockException())) == (
        "photo-dedup: this folder is locked by another run: wait for it to end; if none runs, "
        "run `snakemake --unlock` once, then run again"
    )
    message = str(IncompleteFilesException(["cache/chunks/c00001.jsonl"]))
    assert error_line("IncompleteFilesException", message) == (
        "photo-dedup: cache/chunks/c00001.jsonl were left incomplete by an interrupted run: "
        "run again with --rerun-incomplete"
    )


def test_a_failed_job_is_left_to_the_workflows_failure_line():
    job = 'RuleException:\nCalledProcessError in file "workflow/rules/group.smk", line 27:\nCommand ... returned 1'
    assert error_line("RuleException", job) == ""
    assert error_line("WorkflowError", "WorkflowError:\nAt least one job did not complete successfully.") == ""
    where = 'WorkflowError in file "/work/photo-dedup/Snakefile", line 17:\nConfig file is not valid JSON or YAML.'
    assert error_line("WorkflowError", where) == (
        "photo-dedup: Snakemake stopped: Config file is not valid JSON or YAML. "
        "(run again with --quiet host to see Snakemake's own messages)"
    )
