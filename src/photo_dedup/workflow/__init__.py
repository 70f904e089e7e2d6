"""The workflow's glue to Snakemake: its messages, step logs, the exit wait and the command line."""
