"""A finished run exits at once: Snakemake's pending timer cancelled, the last garbage collection skipped.

Whenever the scheduler starts jobs while its rate limiter is on (always, from the command line: the
default `--max-jobs-per-timespan` is 100/1s), it starts a `threading.Timer` of the limiter's timespan
to look again once more jobs may start (`JobScheduler._schedule_reevalutation`). The last one is still
waiting when the run ends, and the interpreter waits for every such thread before it exits: about 1 s
after every run that ran a job, and forever with a long timespan (`100/100ms` is read as 100 minutes).
Once the run is over nothing is left to schedule, so cancelling the timer changes nothing else.

The timers are found by what they are (a pending `threading.Timer` whose function comes from
Snakemake), not by Snakemake's private names, so an upgrade that renames them is still covered; one
that waits some other way is caught by tests/workflow/test_exit_wait.py, which runs the workflow with an
hour-long timespan.

The interpreter's teardown then spent another second or more (1.1-1.4 s at load 7) with its garbage
collector going through the many objects Snakemake made, all about to be freed with the
process; `gc.freeze()` moves them out of the collector's way (0.08-0.11 s). Files are closed and
logs flushed as before: by reference counting and by the `atexit` handlers, which the collector
plays no part in.
"""

from __future__ import annotations

import gc
import threading


def exit_at_once() -> None:
    """Called from the workflow's `onsuccess` and `onerror` handlers, when no job is left to start."""
    cancel_scheduler_timers()
    gc.freeze()


def cancel_scheduler_timers() -> int:
    """Cancel the timers Snakemake left waiting; return how many were cancelled."""
    cancelled = 0
    for thread in threading.enumerate():
        if isinstance(thread, threading.Timer) and _from_snakemake(thread) and not thread.finished.is_set():
            thread.cancel()
            cancelled += 1
    return cancelled


def _from_snakemake(timer: threading.Timer) -> bool:
    """Whether the timer's function was defined in Snakemake's own code."""
    module = getattr(timer.function, "__module__", None) or ""
    return module == "snakemake" or module.startswith("snakemake.")
