# photo-dedup: find photos that look the same, keep the best copy, review, delete safely.
from snakemake.utils import min_version

min_version("9.0")


configfile: "config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/fingerprint.smk"
include: "workflow/rules/group.smk"
include: "workflow/rules/report.smk"


rule all:
    default_target: True
    input:
        final_outputs(),


onsuccess:
    print_run_summary()


onerror:
    print_run_failure()
