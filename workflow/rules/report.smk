# The page, the plot and the deletion script: one job (one interpreter, pandas imported once), each
# part with its own log, so a failure names the part that failed (run_summary.failure_line).
rule report:
    input:
        groups_json=str(RESULTS.groups_json),
        pairs=str(CACHE.pairs),
        decisions=decisions_file,
    output:
        html=str(RESULTS.report_html),
        thumbs=directory(str(RESULTS.thumbs)),
        png=str(RESULTS.distance_plot),
        script=str(RESULTS.deletion_script),
    log:
        page="logs/contact_sheet.log",
        plot="logs/distance_plot.log",
        script="logs/deletion_script.log",
    benchmark:
        "logs/benchmarks/report.tsv"
    localrule: True
    params:
        cache_dir=CACHE_ROOT,
        # the page links the plot, which this job makes beside it
        plot_link=RESULTS.distance_plot.name,
        decisions=config["decisions"],
        libraries=RUN.libraries,
        match=match_settings(),
        quarantine=config["quarantine"],
    script:
        "../scripts/report.py"
