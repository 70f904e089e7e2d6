import os
import sys
import time
from pathlib import Path

import yaml
from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

from photo_dedup.cache.layout import CACHE_DIR, CacheLayout
from photo_dedup.outputs.results_layout import RESULTS
from photo_dedup.config.values import ConfigError, normalise_config, schema_problem
from photo_dedup.scan.run_lock import AnotherRun, claim_folder
from photo_dedup.outputs.run_summary import (
    CtrlC,
    failure_line,
    interrupted_line,
    summary_lines,
)
from photo_dedup.scan.run_setup import (
    ConfigProblem,
    RunPlan,
    planned_run,
    prepare_run,
    remove_snakemake_log,
)

CACHE = CacheLayout(
    Path(CACHE_DIR)
)  # the cache's paths, relative to the working directory

with open(
    os.path.join(workflow.basedir, "workflow", "schemas", "config.schema.yaml")
) as schema_file:
    CONFIG_SCHEMA = yaml.safe_load(schema_file)
try:  # --config values arrive as text and flat: make them what the schema asks for, in one line if not
    normalise_config(config, CONFIG_SCHEMA)
    problem = schema_problem(config, CONFIG_SCHEMA)
except ConfigError as error:
    problem = str(error)
if problem:
    sys.exit(f"photo-dedup: {problem}")
validate(config, schema="../schemas/config.schema.yaml")


def cores_at_once():
    """--cores, or None where there is none (a cluster run, whose --jobs can be anything)."""
    try:
        return max(1, int(workflow.cores))
    except (WorkflowError, TypeError, ValueError):
        return None


# Reading the workflow changes nothing: --lint reads only the rules (no scan), and a dry run
# (-n) scans without writing (what its plan changes goes to a temporary folder: run_setup.DryRunPlan).
# Snakemake's --lint is the one way it reads a workflow without checking its environment variables.
LINTING = not getattr(workflow, "check_envvars", True)
DRY_RUN = bool(workflow.output_settings.dryrun)

# The scan runs here, while Snakemake reads the workflow: what changed in the library decides
# which fingerprint jobs exist and which are out of date (see photo_dedup/scan/run_setup.py).
if LINTING:
    RUN = RunPlan(libraries=[], chunks=[])
elif workflow.is_main_process:
    if not DRY_RUN:
        try:  # before the scan writes anything: no other run here, and no lock an interrupted one left
            LOCK_NOTE = claim_folder(os.getcwd())
        except AnotherRun as problem:
            sys.exit(f"photo-dedup: {problem}")
        if LOCK_NOTE:
            print(f"photo-dedup: {LOCK_NOTE}", file=sys.stderr)
    try:
        RUN = prepare_run(
            config, workdir=os.getcwd(), cores=cores_at_once(), dry_run=DRY_RUN
        )
    except ConfigProblem as problem:
        if problem.workdir_inside_library:
            remove_snakemake_log(workflow.logger_manager.get_logfile(), os.getcwd())
        sys.exit(f"photo-dedup: {problem}")
    except KeyboardInterrupt:
        sys.exit(
            "photo-dedup: interrupted while scanning the library; run the same command to continue"
        )
    for note in RUN.notes:
        print(f"photo-dedup: {note}", file=sys.stderr)
else:  # a job run by an executor elsewhere: use the main process's scan
    RUN = planned_run(os.getcwd())

# Ctrl-C ends the run with one line of how far it got (see run_summary.CtrlC)
CTRL_C = CtrlC(lambda: interrupted_line(CACHE_DIR, RUN.chunks))
if workflow.is_main_process and not LINTING:
    CTRL_C.watch()

CHUNKS = RUN.chunks
RUN_STARTED = time.time()
CACHE_ROOT = os.path.abspath(CACHE_DIR)


# The verify stage's jobs (verify.smk), each decoding a list balanced by bytes: a fixed number,
# known before any job runs and the same in every process that reads the workflow (a cluster job's
# too), so taken from the scan's chunks (two a core): one a core, at least two, at most 16.
VERIFY_PARTS = [f"v{n:05d}" for n in range(min(16, max(2, (len(CHUNKS) + 1) // 2)))]


wildcard_constraints:
    chunk=r"c\d{5}",
    part=r"v\d{5}",


def final_outputs():
    return [str(path) for path in RESULTS.final()]


def plan_file(name):
    """A file of the scan's plan in the cache, or where a dry run planned it anew (run_setup.DryRunPlan)."""
    return RUN.plan_files.get(name, f"{CACHE_DIR}/{name}")


def chunk_manifest(wildcards):
    return plan_file(f"manifests/{wildcards.chunk}.jsonl")


def chunk_sidecars(wildcards):
    return expand(f"{CACHE.chunks}/{{chunk}}.jsonl", chunk=CHUNKS)


def verify_lists():
    return expand(f"{CACHE.verify_lists}/{{part}}.jsonl", part=VERIFY_PARTS)


def verified_sidecars(wildcards):
    return expand(f"{CACHE.verify_results}/{{part}}.jsonl", part=VERIFY_PARTS)


def decisions_file(wildcards):
    path = config["decisions"]
    return [path] if os.path.exists(path) else []


def match_settings():
    return dict(config["match"])


def keeper_settings():
    return dict(config["keeper"])


def max_pixels():
    return int(float(config["max_megapixels"]) * 1_000_000)


def photo_for_sidecar(wildcards):
    """The photo whose sidecar `cache/sidecars/<its absolute path>.json` is asked for."""
    return os.path.join(os.sep, wildcards.photo)


def print_run_summary():
    """What was found and what to do next, at the end of a successful run."""
    if os.path.exists(RESULTS.groups_json):
        print("\n".join(summary_lines(os.getcwd(), config["quarantine"])))


def print_run_failure():
    """Which step failed and where its log is; how far the run got when Ctrl-C stopped it."""
    if CTRL_C.pressed:
        print(CTRL_C.line(), file=sys.stderr)
        return
    line = failure_line(os.getcwd(), RUN_STARTED)
    if line:  # "" where a step has said it on the terminal already (a full disk)
        print(line, file=sys.stderr)
