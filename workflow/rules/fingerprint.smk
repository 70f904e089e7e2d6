rule fingerprint_chunk:
    input:
        manifest=chunk_manifest,
    output:
        sidecars=f"{CACHE.chunks}/{{chunk}}.jsonl",
    log:
        "logs/fingerprint/{chunk}.log",
    benchmark:
        "logs/benchmarks/fingerprint/{chunk}.tsv"
    group:
        "fingerprint"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=60,
    params:
        cache_dir=CACHE_ROOT,
        max_pixels=max_pixels(),
    script:
        "../scripts/fingerprint_chunk.py"


rule photo_sidecar:
    input:
        photo=photo_for_sidecar,
    output:
        sidecar=f"{CACHE.sidecars}/{{photo}}.json",
    log:
        "logs/sidecar/{photo}.log",
    wildcard_constraints:
        photo=r".+",
    params:
        cache_dir=CACHE_ROOT,
        max_pixels=max_pixels(),
    script:
        "../scripts/photo_sidecar.py"
