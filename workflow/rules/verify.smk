rule verify_lists:
    input:
        chunks=chunk_sidecars,
    output:
        lists=verify_lists(),
    log:
        "logs/verify/lists.log",
    benchmark:
        "logs/benchmarks/verify_lists.tsv"
    localrule: True
    params:
        mode=config["verify"],
        max_hash_distance=config["match"]["max_hash_distance"],
    script:
        "../scripts/verify_lists.py"


rule verify_main_images:
    input:
        photos=f"{CACHE.verify_lists}/{{part}}.jsonl",
    output:
        verified=f"{CACHE.verify_results}/{{part}}.jsonl",
    log:
        "logs/verify/{part}.log",
    benchmark:
        "logs/benchmarks/verify/{part}.tsv"
    group:
        "verify"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=60,
    params:
        cache_dir=CACHE_ROOT,
        max_pixels=max_pixels(),
    script:
        "../scripts/verify_main_images.py"
