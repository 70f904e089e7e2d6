"""Snakemake step: which photos need their main image decoded, in one list a verify job."""

from photo_dedup.workflow.step_log import logging_to

# the step's own imports inside its log: a Ctrl-C while they load ends it quietly, as at any other time
with logging_to(snakemake.log[0]):
    from photo_dedup.main_images.selection import verify_lists

    verify_lists(
        chunk_files=snakemake.input.chunks,
        list_files=snakemake.output.lists,
        mode=snakemake.params.mode,
        max_distance=snakemake.params.max_hash_distance,
    )
