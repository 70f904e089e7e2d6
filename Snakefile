# photo-dedup: find photos that look the same, keep the best copy, review, delete safely.
import os

from snakemake.utils import min_version

from photo_dedup.workflow.exit_wait import exit_at_once
from photo_dedup.workflow.messages import say_snakemake_messages

min_version("9.0")

# Snakemake's own errors and its "Nothing to be done", in one line each whatever the profile's
# `quiet` (see photo_dedup/workflow/messages.py); before the config file, whose errors it says too.
if workflow.is_main_process:
    say_snakemake_messages(os.getcwd())


configfile: "config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/fingerprint.smk"
include: "workflow/rules/verify.smk"
include: "workflow/rules/group.smk"
include: "workflow/rules/report.smk"


rule all:
    default_target: True
    input:
        final_outputs(),


onsuccess:
    print_run_summary()
    exit_at_once()


onerror:
    print_run_failure()
    exit_at_once()
