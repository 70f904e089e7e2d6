"""Snakemake step: the sidecar of one photo, asked for by its path."""

from photo_dedup.workflow.step_log import logging_to

# the step's own imports inside its log: a Ctrl-C while they load ends it quietly, as at any other time
with logging_to(snakemake.log[0]):
    from photo_dedup.fingerprint.step import photo_sidecar

    photo_sidecar(
        photo=snakemake.input.photo,
        sidecar=snakemake.output.sidecar,
        cache_dir=snakemake.params.cache_dir,
        max_pixels=snakemake.params.max_pixels,
    )
