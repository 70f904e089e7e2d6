rule find_groups:
    input:
        chunks=chunk_sidecars,
        scan=f"{CACHE_DIR}/scan.json",
        decisions=decisions_file,
    output:
        groups_csv="results/groups.csv",
        groups_json="results/groups.json",
        unreadable="results/unreadable.csv",
        pairs=f"{CACHE_DIR}/pairs.csv",
    log:
        "logs/find_groups.log",
    benchmark:
        "logs/benchmarks/find_groups.tsv"
    localrule: True
    conda:
        "../../environment.yml"
    params:
        match=match_settings(),
        keeper=keeper_settings(),
        raw_jpeg_pairs=config.get("raw_jpeg_pairs", "keep_both"),
    script:
        "../../scripts/find_groups.py"
