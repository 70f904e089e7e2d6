"""Snakemake step: gather all sidecars and find the duplicate groups."""

from photo_dedup.workflow.step_log import logging_to

# the step's own imports inside its log: a Ctrl-C while they load ends it quietly, as at any other time
with logging_to(snakemake.log[0]):
    from photo_dedup.choose.gather import find_groups

    find_groups(
        chunk_files=snakemake.input.chunks,
        scan_file=snakemake.input.scan,
        decisions_files=snakemake.input.decisions,
        match=snakemake.params.match,
        keeper=snakemake.params.keeper,
        groups_csv=snakemake.output.groups_csv,
        groups_json=snakemake.output.groups_json,
        unreadable_csv=snakemake.output.unreadable,
        pairs_csv=snakemake.output.pairs,
        raw_jpeg_pairs=snakemake.params.raw_jpeg_pairs,
        similar_shots=snakemake.params.similar_shots,
        photos_catalog=snakemake.input.photos_catalog,
        photos_csv=snakemake.output.photos_csv,
        photos_script=snakemake.output.photos_script,
        companion_digests=snakemake.params.companion_digests,
        verified_files=snakemake.input.verified,
        verify=snakemake.params.verify,
        cache_dir=snakemake.params.cache_dir,
        max_pixels=snakemake.params.max_pixels,
    )
