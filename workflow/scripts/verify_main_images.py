"""Snakemake step: decode the main images of one verify list."""

from photo_dedup.workflow.step_log import logging_to

# the step's own imports inside its log: a Ctrl-C while they load ends it quietly, as at any other time
with logging_to(snakemake.log[0]):
    from photo_dedup.main_images.decode_step import verify_main_images

    verify_main_images(
        photos=snakemake.input.photos,
        verified=snakemake.output.verified,
        cache_dir=snakemake.params.cache_dir,
        max_pixels=snakemake.params.max_pixels,
    )
