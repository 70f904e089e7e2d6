"""Snakemake step: the report (contact sheet, distance plot, deletion script) in one job."""

from photo_dedup.workflow.step_log import logging_to, next_step

# each part's imports inside its own log: a Ctrl-C while they load ends it quietly, as at any other time
with logging_to(snakemake.log.page):
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
next_step()
with logging_to(snakemake.log.plot):
    from photo_dedup.outputs.distance_plot import distance_plot

    distance_plot(snakemake.input.pairs, snakemake.output.png, snakemake.params.match)
next_step()
with logging_to(snakemake.log.script):
    from photo_dedup.outputs.deletion_script import deletion_script

    deletion_script(
        groups_json=snakemake.input.groups_json,
        out_path=snakemake.output.script,
        quarantine=snakemake.params.quarantine,
        libraries=snakemake.params.libraries,
    )
