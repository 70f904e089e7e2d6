"""Snakemake step: plot the distances of matched and rejected candidate pairs."""

from photo_dedup.workflow.step_log import logging_to

# the step's own imports inside its log: a Ctrl-C while they load ends it quietly, as at any other time
with logging_to(snakemake.log[0]):
    from photo_dedup.outputs.distance_plot import distance_plot

    distance_plot(snakemake.input.pairs, snakemake.output.png, snakemake.params.match)
