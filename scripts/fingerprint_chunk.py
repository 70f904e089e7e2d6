"""Snakemake step: fingerprint one chunk of photos into sidecars."""

from photo_dedup.fingerprint import fingerprint_chunk
from photo_dedup.step_log import logging_to

with logging_to(snakemake.log[0]):
    fingerprint_chunk(
        manifest=snakemake.input.manifest,
        out_path=snakemake.output.sidecars,
        cache_dir=snakemake.params.cache_dir,
        max_pixels=snakemake.params.max_pixels,
    )
