rule contact_sheet:
    input:
        groups_json=str(RESULTS.groups_json),
        decisions=decisions_file,
    output:
        html=str(RESULTS.report_html),
        thumbs=directory(str(RESULTS.thumbs)),
    log:
        "logs/contact_sheet.log",
    benchmark:
        "logs/benchmarks/contact_sheet.tsv"
    localrule: True
    params:
        cache_dir=CACHE_ROOT,
        # the page links the plot, which distance_plot makes beside it at the same time
        plot_link=RESULTS.distance_plot.name,
        decisions=config["decisions"],
        libraries=RUN.libraries,
    script:
        "../scripts/contact_sheet.py"


rule distance_plot:
    input:
        pairs=str(CACHE.pairs),
    output:
        png=str(RESULTS.distance_plot),
    log:
        "logs/distance_plot.log",
    benchmark:
        "logs/benchmarks/distance_plot.tsv"
    localrule: True
    params:
        match=match_settings(),
    script:
        "../scripts/distance_plot.py"


rule deletion_script:
    input:
        groups_json=str(RESULTS.groups_json),
    output:
        script=str(RESULTS.deletion_script),
    log:
        "logs/deletion_script.log",
    benchmark:
        "logs/benchmarks/deletion_script.tsv"
    localrule: True
    params:
        quarantine=config["quarantine"],
        libraries=RUN.libraries,
    script:
        "../scripts/deletion_script.py"
