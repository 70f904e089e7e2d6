"""Snakemake step: fingerprint one chunk of photos into sidecars."""

from photo_dedup.workflow.step_log import logging_to

# the step's own imports inside its log: a Ctrl-C while they load ends it quietly, as at any other time
with logging_to(snakemake.log[0]):
    from photo_dedup.fingerprint.step import fingerprint_chunk

    fingerprint_chunk(
        manifest=snakemake.input.manifest,
        out_path=snakemake.output.sidecars,
        cache_dir=snakemake.params.cache_dir,
        max_pixels=snakemake.params.max_pixels,
    )
