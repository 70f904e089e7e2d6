"""Snakemake step: write the reviewable deletion script."""

from photo_dedup.workflow.step_log import logging_to

# the step's own imports inside its log: a Ctrl-C while they load ends it quietly, as at any other time
with logging_to(snakemake.log[0]):
    from photo_dedup.outputs.deletion_script import deletion_script

    deletion_script(
        groups_json=snakemake.input.groups_json,
        out_path=snakemake.output.script,
        quarantine=snakemake.params.quarantine,
        libraries=snakemake.params.libraries,
    )
