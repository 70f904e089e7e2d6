"""Snakemake step: the sidecar of one photo, asked for by its path."""

from photo_dedup.fingerprint import photo_sidecar
from photo_dedup.step_log import logging_to

with logging_to(snakemake.log[0]):
    photo_sidecar(
        photo=snakemake.input.photo,
        sidecar=snakemake.output.sidecar,
        cache_dir=snakemake.params.cache_dir,
        max_pixels=snakemake.params.max_pixels,
    )
