"""Snakemake's own messages, said on the terminal in one `photo-dedup: ...` line whatever `quiet` says.

The default profile sets `quiet: [all]` to hide Snakemake's job-by-job chatter. Snakemake applies
`quiet` in a filter on each of its own handlers, not on its logger, so a handler of the workflow's
own on that logger still receives every record: `MessageLines` turns the few that a person must see
into one line each, with what to do:
- an error Snakemake raises itself once the workflow is read (no rule makes a target, a missing
  input, a locked folder, incomplete files, a broken config file): one line naming it and the fix;
- "Nothing to be done": since when the results are current.

A failed step (or one stopped by Ctrl-C) is said by the workflow's `onerror` handler
(run_summary.failure_line, interrupted_line), not here.
Errors Snakemake meets before it reads the workflow (an unknown flag, a `--config` entry it cannot
parse) happen before any code of the workflow runs, so Snakemake prints them itself.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time
from pathlib import Path

from photo_dedup.outputs.results_layout import RESULTS

REPORT = RESULTS.report_html
NOTHING_TO_DO = "Nothing to be done"  # the start of Snakemake's NOTHING_TO_BE_DONE_MSG
ERROR_EVENT = "error"  # Snakemake's LogEvent.ERROR, given to the exceptions it prints
JOB_FAILED = "At least one job did not complete successfully."  # said by onerror already
SNAKEMAKE_OWN_LINES = "run again with --quiet host to see Snakemake's own messages"


def error_line(kind: str, message: str) -> str:
    """Snakemake's error `kind` (the exception's class name) with its `message`, in one line with
    the fix ("" for one the workflow has said already)."""
    if JOB_FAILED in message or (kind == "RuleException" and "CalledProcessError" in message):
        return ""  # a step failed: the workflow's onerror names it and its log
    if kind == "MissingRuleException":
        found = re.search(r"No rule to produce (.+?) \(if you use", message, re.DOTALL)
        target = found.group(1) if found else "the file asked for"
        return (
            f"photo-dedup: nothing in this workflow makes {target}: run plain snakemake (it makes "
            "results/), or ask for a photo's sidecar as cache/sidecars/<its absolute path without the "
            "leading />.json"
        )
    if kind == "MissingInputException":
        files = _listed_after("affected files:", message)
        return (
            f"photo-dedup: missing input {', '.join(files) or '(see .snakemake/log/)'}: check the path "
            "(a photo asked for by its sidecar must exist), or run the same command again if the "
            "library changed while the run started"
        )
    if kind == "LockException":
        return (
            "photo-dedup: this folder is locked by another run: wait for it to end; if none runs, "
            "run `snakemake --unlock` once, then run again"
        )
    if kind == "IncompleteFilesException":
        files = _listed_after("Incomplete files:", message)
        return (
            f"photo-dedup: {', '.join(files) or 'some files'} were left incomplete by an interrupted run: "
            "run again with --rerun-incomplete"
        )
    said = [line.strip() for line in message.splitlines() if line.strip() and not _heading(line.strip(), kind)]
    return f"photo-dedup: Snakemake stopped: {said[0] if said else kind} ({SNAKEMAKE_OWN_LINES})"


def _heading(line: str, kind: str) -> bool:
    """A line that says only what and where ("WorkflowError:", 'WorkflowError in file "x", line 7:')."""
    return line == f"{kind}:" or re.fullmatch(r'\w+ in file ".*", line \d+:', line) is not None


def _listed_after(heading: str, message: str) -> list[str]:
    """The indented lines that follow `heading` in an error message."""
    lines = message.splitlines()
    for index, line in enumerate(lines):
        if line.strip() == heading:
            return [item.strip() for item in lines[index + 1 :] if item.strip()]
    return []


def nothing_to_do_line(workdir: str | Path) -> str:
    """What a no-op rerun says: since when the page (and what it shows) is current."""
    try:
        since = time.strftime("%H:%M", time.localtime(os.stat(Path(workdir) / REPORT).st_mtime))
    except OSError:
        return "photo-dedup: nothing changed; the files asked for are current"
    return f"photo-dedup: nothing changed since {since}; {REPORT.as_posix()} is current"


class MessageLines(logging.Handler):
    """Says Snakemake's errors and its "Nothing to be done" on stderr, one line each."""

    def __init__(self, workdir: str | Path) -> None:
        super().__init__(level=logging.INFO)
        self.workdir = Path(workdir)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.line_for(record)
        except Exception:  # a message that cannot be read must not stop Snakemake's own logging
            return
        if line:
            print(line, file=sys.stderr, flush=True)

    def line_for(self, record: logging.LogRecord) -> str:
        message = str(record.getMessage())
        if record.levelno >= logging.ERROR and str(getattr(record, "event", "")) == ERROR_EVENT:
            return error_line(str(getattr(record, "exception", "")), message)
        if record.levelno == logging.INFO and message.startswith(NOTHING_TO_DO):
            return nothing_to_do_line(self.workdir)
        return ""


def say_snakemake_messages(workdir: str | Path) -> None:
    """Give Snakemake's logger the workflow's `MessageLines` handler (once a process)."""
    logger = logging.getLogger("snakemake.logging")  # snakemake.logging.logger
    if not any(isinstance(handler, MessageLines) for handler in logger.handlers):
        logger.addHandler(MessageLines(workdir))
