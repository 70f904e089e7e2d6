"""Snakemake step: plot the distances of matched and rejected candidate pairs."""

from photo_dedup.distance_plot import distance_plot
from photo_dedup.step_log import logging_to

with logging_to(snakemake.log[0]):
    distance_plot(snakemake.input.pairs, snakemake.output.png, snakemake.params.match)
