rule find_groups:
    input:
        chunks=chunk_sidecars,
        scan=plan_file("scan.json"),
        photos_catalog=plan_file("apple-photos.json"),
        decisions=decisions_file,
    output:
        groups_csv=str(RESULTS.groups_csv),
        groups_json=str(RESULTS.groups_json),
        unreadable=str(RESULTS.unreadable_csv),
        pairs=str(CACHE.pairs),
        photos_csv=str(RESULTS.photos_csv),
        photos_script=str(RESULTS.photos_script),
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
