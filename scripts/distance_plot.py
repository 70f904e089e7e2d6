"""Snakemake step: plot the distances of matched and rejected candidate pairs."""

from photo_dedup.distance_plot import plot_pair_distances
from photo_dedup.step_log import logging_to

with logging_to(snakemake.log[0]):
    plot_pair_distances(snakemake.input.pairs, snakemake.output.png, snakemake.params.match)
