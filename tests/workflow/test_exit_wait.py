"""A finished run exits at once: no timer of Snakemake's scheduler is left for the interpreter to wait on."""

from __future__ import annotations

import gc
import threading
from pathlib import Path

import pytest
from support.workflow_runner import snakemake

from photo_dedup.workflow.exit_wait import cancel_scheduler_timers, exit_at_once

pytestmark = pytest.mark.e2e


def test_a_run_with_an_hour_long_rate_limit_timespan_still_exits(tmp_path: Path, photos) -> None:
    # The scheduler starts a timer of the timespan each time it starts jobs; left pending, the run
    # would wait an hour for it after its last job. The timeout fails the test instead.
    library = tmp_path / "library"
    library.mkdir()
    photos["astronaut"].save(library / "astronaut.jpg", quality=90)
    photos["coffee"].save(library / "coffee.jpg", quality=90)
    photos["coffee"].save(library / "coffee copy.png")
    result = snakemake(
        tmp_path / "work", "--max-jobs-per-timespan", "100/1h", "--config", f"library={library}", timeout=240
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "work" / "results" / "report.html").exists()


def test_only_snakemakes_pending_timers_are_cancelled() -> None:
    ours = threading.Timer(3600, print)  # print's module is builtins, not Snakemake
    ours.start()
    try:
        assert cancel_scheduler_timers() == 0
        assert ours.is_alive() and not ours.finished.is_set()
    finally:
        ours.cancel()
        ours.join()


def test_the_last_collection_is_left_to_the_end_of_the_process() -> None:
    before = gc.get_freeze_count()
    exit_at_once()
    try:
        assert gc.get_freeze_count() > before  # what exists now is no longer the collector's to walk
    finally:
        gc.unfreeze()
