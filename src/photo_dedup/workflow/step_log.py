"""Send a Snakemake step's logging and stderr to its log file."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import signal
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from photo_dedup.cache.atomic import disk_full_words, is_disk_full

FAILED = "step failed"
INTERRUPTED = "step interrupted (Ctrl-C)"
INTERRUPTED_EXIT = 130  # 128 + SIGINT, as a shell reports a command ended by Ctrl-C


def step_name(log_path: str | Path) -> str:
    """The step a log belongs to: its path under `logs/`, without the suffix (fingerprint/c00001)."""
    parts = Path(log_path).with_suffix("").parts
    return "/".join(parts[len(parts) - parts[::-1].index("logs") :]) if "logs" in parts else Path(log_path).stem


@contextlib.contextmanager
def logging_to(path: str | Path) -> Iterator[None]:
    """Log INFO and above, and anything written to stderr, into `path`.

    A full disk ends the step with one line, "photo-dedup: disk full: N MB needed in DIR (step
    STEP)", on the terminal (once a run, however many steps it stops: see `say_once`) and in its log,
    and no traceback anywhere: a traceback each would bury the one thing to do, free some space.
    Ctrl-C (which reaches every step of the terminal's run) ends the step quietly, not as a failure:
    the workflow says in one line how far the run got. Meant as a step script's whole body (or
    one part of it, see `next_step`): once it ends only the exit is left, and SIGINT is ignored from
    then on.
    """
    step = step_name(path)
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "w", encoding="utf-8", errors="backslashreplace")  # noqa: SIM115 - closed below
    except OSError as error:
        if is_disk_full(error):  # not even room for the log
            say_once(f"photo-dedup: {disk_full_words(error)} (step {step})")
            raise SystemExit(1) from None
        raise
    handler = logging.StreamHandler(handle)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    full: OSError | None = None
    interrupted = False
    try:
        with contextlib.redirect_stderr(handle):
            root.addHandler(handler)
            root.setLevel(logging.INFO)
            try:
                yield
            except OSError as error:
                if not is_disk_full(error):
                    logging.exception(FAILED)
                    raise
                full = error
                logging.error("%s: %s (step %s)", FAILED, disk_full_words(error), step)
            except KeyboardInterrupt:
                interrupted = True
                logging.warning(INTERRUPTED)
            except BaseException:
                logging.exception(FAILED)
                raise
            finally:
                root.removeHandler(handler)
    finally:
        with contextlib.suppress(OSError):  # a full disk may refuse the log's last block too
            handle.close()
        # the step's work is over, only its exit is left: a Ctrl-C now must not print a traceback
        # from the interpreter's shutdown (the run's own line says what was done)
        with contextlib.suppress(ValueError):  # not the main thread
            signal.signal(signal.SIGINT, signal.SIG_IGN)
    if full is not None:
        say_once(f"photo-dedup: {disk_full_words(full)} (step {step})")
        raise SystemExit(1)
    if interrupted:
        raise SystemExit(INTERRUPTED_EXIT)


def next_step() -> None:
    """Between two parts of one job, each logged by its own `logging_to`: Ctrl-C stops the job
    again (the part before ignored it from its end on, as if only the exit were left)."""
    with contextlib.suppress(ValueError):  # not the main thread
        signal.signal(signal.SIGINT, signal.default_int_handler)


def disk_full_marker(workdir: str | Path = ".") -> Path:
    """The file that says a run's full disk was reported: in the temporary folder (the disk that is
    full is the working directory's), named for the working directory and the run (its start, in
    cache/progress.json), so that a later run reports again."""
    try:
        started = str(json.loads((Path(workdir) / "cache" / "progress.json").read_text(encoding="utf-8"))["started"])
    except (OSError, ValueError, KeyError, TypeError):
        started = ""
    run = hashlib.sha256(f"{os.path.realpath(workdir)}\0{started}".encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"photo-dedup-disk-full-{run}"


def say_once(line: str) -> None:
    """Print `line` on the terminal unless another step of this run has printed its own already:
    steps run in parallel, and with a full disk each fails; Snakemake may then stop without its
    end-of-run handler, so the step says it (run_summary.failure_line stays quiet after)."""
    try:
        os.close(os.open(disk_full_marker(), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
    except FileExistsError:
        return
    except OSError:
        pass  # no marker (the temporary folder is full too): rather twice than never
    print(line, file=sys.stderr, flush=True)
