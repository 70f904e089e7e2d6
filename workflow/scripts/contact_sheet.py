"""Snakemake step: the HTML contact sheet to review the groups."""

from photo_dedup.workflow.step_log import logging_to

# the step's own imports inside its log: a Ctrl-C while they load ends it quietly, as at any other time
with logging_to(snakemake.log[0]):
    from photo_dedup.outputs.contact_sheet import contact_sheet

    contact_sheet(
        groups_json=snakemake.input.groups_json,
        decisions_files=snakemake.input.decisions,
        plot_link=snakemake.params.plot_link,
        out_path=snakemake.output.html,
        cache_dir=snakemake.params.cache_dir,
        decisions_name=snakemake.params.decisions,
        libraries=list(snakemake.params.libraries),
    )
