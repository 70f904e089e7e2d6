rule find_groups:
    input:
        chunks=chunk_sidecars,
        scan=plan_file("scan.json"),
        photos_catalog=plan_file("apple-photos.json"),
        decisions=decisions_file,
    output:
        groups_csv="results/groups.csv",
        groups_json="results/groups.json",
        unreadable="results/unreadable.csv",
        pairs=str(CACHE.pairs),
        photos_csv="results/apple-photos-duplicates.csv",
        photos_script="results/apple-photos-duplicates.applescript",
    log:
        "logs/find_groups.log",
    benchmark:
        "logs/benchmarks/find_groups.tsv"
    localrule: True
    params:
        match=match_settings(),
        keeper=keeper_settings(),
        raw_jpeg_pairs=config["raw_jpeg_pairs"],
        similar_shots=config["similar_shots"],
        companion_digests=str(CACHE.companion_digests),
    script:
        "../scripts/find_groups.py"
