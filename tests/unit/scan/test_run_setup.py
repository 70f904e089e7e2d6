def test_a_preferred_root_that_is_no_folder_is_said(tmp_path):
    """The hostile try: a relative, a missing or a mistyped keeper.preferred_roots preferred nothing
    without a word (mutant: no line)."""
    from photo_dedup.scan.run_setup import preferred_roots_unseen

    (tmp_path / "Masters").mkdir()
    notes = preferred_roots_unseen(["Masters", str(tmp_path / "Masters"), "/nonexistent", "lib/masters"], str(tmp_path))
    assert notes == [
        "keeper.preferred_roots: /nonexistent is not a folder (/nonexistent): it prefers no copy",
        f"keeper.preferred_roots: lib/masters is not a folder ({tmp_path}/lib/masters): it prefers no copy",
    ]
