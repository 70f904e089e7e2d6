"""Snakemake step: the HTML contact sheet to review the groups."""

from photo_dedup.contact_sheet import contact_sheet
from photo_dedup.step_log import logging_to

with logging_to(snakemake.log[0]):
    contact_sheet(
        groups_json=snakemake.input.groups_json,
        decisions_files=snakemake.input.decisions,
        plot_link=snakemake.params.plot_link,
        out_path=snakemake.output.html,
        cache_dir=snakemake.params.cache_dir,
        decisions_name=snakemake.params.decisions,
        libraries=list(snakemake.params.libraries),
    )
