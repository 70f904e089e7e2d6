import pytest

from photo_dedup.choose.keeper import KeeperRanking, mark_conversions


def photo(path, width=4000, height=3000, fmt="JPEG", size=3_000_000, **extra):
    return {"path": path, "width": width, "height": height, "format": fmt, "size": size, "digest": path, **extra}


def test_default_order_pixels_then_format_then_quality():
    ranking = KeeperRanking()
    small_raw = photo("/a/small.dng", 2000, 1500, "RAW", 9_000_000)
    big_jpeg = photo("/a/big.jpg")
    big_png = photo("/a/big.png", fmt="PNG", size=20_000_000)
    better_jpeg = photo("/a/better.jpg", size=6_000_000)
    assert ranking.best_first([small_raw, big_jpeg])[0] is big_jpeg
    assert ranking.best_first([big_jpeg, big_png])[0] is big_png
    assert ranking.best_first([big_jpeg, better_jpeg])[0] is better_jpeg
    assert ranking.reason(big_png, big_jpeg) == "more original format (PNG vs JPEG)"
    assert ranking.reason(big_jpeg, small_raw).startswith("more pixels (4000x3000 vs 2000x1500)")


def test_preferred_roots_come_first_and_edited_names_lose_ties():
    ranking = KeeperRanking(preferred_roots=["/Masters"])
    takeout = photo("/Takeout/IMG_1.jpg", size=9_000_000)
    master = photo("/Masters/2020/IMG_1.jpg")
    assert ranking.best_first([takeout, master])[0] is master
    plain = KeeperRanking()
    original = photo("/x/IMG_0001.jpg", taken="2020")
    copy = photo("/x/IMG_0001 (1).jpg", taken="2020")
    edited = photo("/x/IMG_0001-edited.jpg", taken="2020")
    assert plain.best_first([copy, edited, original])[0] is original
    assert plain.reason(original, copy) == "not named like an edited or copied file"


def test_ties_break_on_the_shortest_then_first_path():
    ranking = KeeperRanking()
    a = photo("/lib/b/IMG.jpg")
    b = photo("/lib/a/IMG.jpg")
    c = photo("/lib/IMG.jpg")
    assert [p["path"] for p in ranking.best_first([a, b, c])] == ["/lib/IMG.jpg", "/lib/a/IMG.jpg", "/lib/b/IMG.jpg"]


def test_unknown_rule_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown keeper rule"):
        KeeperRanking(["biggest"])


def ranked(photos):
    """Best first, after marking conversions within the group (as the grouping step does)."""
    mark_conversions(photos)
    return KeeperRanking().best_first(photos)


def test_a_png_made_from_the_camera_jpeg_is_never_kept_over_it():
    camera = photo("/trip/tanners_ridge.jpg", size=2_000_000, make="Canon", model="EOS R6", taken="2021-06-12T10:31:07")
    png = photo("/backup/tanners_ridge.png", fmt="PNG", size=10_000_000)
    best = ranked([png, camera])
    assert best[0] is camera
    assert png["conversion"] == "no camera EXIF, while a copy has it"
    assert KeeperRanking().reason(camera, png).startswith("original JPEG over a PNG made from it")


def test_a_lossless_copy_showing_jpeg_blocks_loses_to_the_jpeg_even_without_exif():
    jpeg = photo("/a/IMG_1.jpg", size=2_000_000)
    png = photo("/b/IMG_1.png", fmt="PNG", size=9_000_000, jpeg_grid=1.3)
    scan = photo("/c/scan.png", fmt="PNG", size=9_000_000, jpeg_grid=1.0)
    assert ranked([png, jpeg])[0] is jpeg
    assert ranked([scan, jpeg])[0] is scan  # no block grid: a lossless master stays the better copy


def test_a_camera_raw_is_never_a_conversion():
    raw = photo("/a/IMG_1.CR2", fmt="RAW", size=20_000_000)
    jpeg = photo("/a/IMG_1.JPG", make="Canon")
    assert ranked([jpeg, raw])[0] is raw and raw["conversion"] == ""


def test_quality_is_the_jpeg_quality_estimate_not_bytes_per_pixel():
    q60_big = photo("/a/q60.jpg", size=2_000_000, jpeg_quality=60)
    q95_small = photo("/b/q95.jpg", size=1_000_000, jpeg_quality=95)
    ranking = KeeperRanking()
    assert ranking.best_first([q60_big, q95_small])[0] is q95_small
    assert ranking.reason(q95_small, q60_big) == "higher JPEG quality (95 vs 60)"


def test_missing_facts_read_from_a_table_do_not_count_as_metadata():
    with_facts = photo("/a/x.jpg", taken="2021-01-01T00:00:00", make="Canon")
    from_table = photo("/b/x.jpg", taken=float("nan"), make=float("nan"), has_gps=float("nan"))
    assert KeeperRanking(["metadata"]).best_first([from_table, with_facts])[0] is with_facts


def test_a_newer_lossy_format_ranks_above_jpeg_only_when_the_camera_wrote_it():
    """An AVIF re-encode (smaller, no camera EXIF) never beats the JPEG it was made from; a phone's
    own HEIC (camera EXIF) still beats the JPEG exported from it."""
    jpeg = photo("/Masters/IMG_1.jpg", size=848_000)
    avif = photo("/Exports/IMG_1.avif", fmt="AVIF", size=226_000)
    webp = photo("/Exports/IMG_1.webp", fmt="WEBP", size=300_000)
    assert ranked([avif, webp, jpeg])[0] is jpeg
    with_exif = photo("/Exports/IMG_1b.avif", fmt="AVIF", size=226_000, make="Canon", jpeg_quality=None)
    camera_jpeg = photo("/Masters/IMG_1b.jpg", size=848_000, make="Canon", jpeg_quality=90)
    assert ranked([with_exif, camera_jpeg])[0] is camera_jpeg  # EXIF copied into an AVIF: still a re-encode
    heic = photo("/Phone/IMG_2.heic", fmt="HEIF", size=1_500_000, make="Apple", model="iPhone 12")
    export = photo("/Shared/IMG_2.jpg", size=2_500_000, make="Apple", model="iPhone 12", jpeg_quality=92)
    assert ranked([export, heic])[0] is heic


def test_a_copy_stripped_of_its_camera_exif_never_beats_the_camera_file_in_its_own_format():
    camera = photo("/Masters/IMG_3.jpg", size=2_000_000, make="Canon", model="EOS R6", jpeg_quality=90)
    stripped = photo("/Shared/IMG_3.jpg", size=2_600_000, jpeg_quality=95)
    best = ranked([stripped, camera])
    assert best[0] is camera and stripped["conversion"] == "no camera EXIF, while a copy has it"


def test_a_google_takeout_download_never_beats_the_copy_outside_takeout():
    """Google re-encodes what it serves: its q75 beside the camera's q65 is no better copy."""
    camera = photo("/Masters/IMG_4.jpg", size=2_000_000, make="Canon", jpeg_quality=65)
    takeout = photo("/Takeout/Google Photos/IMG_4.jpg", size=2_400_000, make="Canon", jpeg_quality=75,
                    google_takeout=True)  # fmt: skip
    best = ranked([takeout, camera])
    assert best[0] is camera and takeout["conversion"].startswith("a Google Photos download")
    # a phone's HEIC Google kept byte for byte beats the JPEG exported from it, Takeout or not
    heic = photo("/Takeout/IMG_5.heic", fmt="HEIF", make="Xiaomi", google_takeout=True)
    export = photo("/local/IMG_5.jpg", make="Xiaomi", jpeg_quality=92)
    assert ranked([export, heic])[0] is heic and heic["conversion"] == ""
    only_takeout = [photo("/T/a.jpg", google_takeout=True, jpeg_quality=75), photo("/T/b.jpg", google_takeout=True)]
    mark_conversions(only_takeout)
    assert [p["conversion"] for p in only_takeout] == ["", ""]  # no copy outside: nothing to say


def test_a_png_with_the_cameras_exif_copied_in_is_still_made_from_the_camera_jpeg():
    camera = photo("/Camera/IMG_5.jpg", size=2_000_000, make="Canon", model="EOS R5", jpeg_quality=97)
    png = photo("/exports/IMG_5.png", fmt="PNG", size=12_000_000, make="Canon", model="EOS R5")
    best = ranked([png, camera])
    assert best[0] is camera and png["conversion"].startswith("a PNG, which no camera writes")


def test_a_version_of_few_tone_levels_is_never_kept_over_one_of_many():
    """Pillow's hopper_gray_4bpp.tif had won on bytes per pixel over the 8-bit grey TIFF (the mutant:
    no tone-levels rule in mark_conversions). Two 1-bit versions are of one standing."""
    eight = photo("/scans/hopper.tif", fmt="TIFF", size=16_000, tone_levels=256)
    four = photo("/scans/hopper_4bpp.tif", fmt="TIFF", size=17_000, tone_levels=16)
    assert ranked([four, eight])[0] is eight
    assert four["conversion"] == "only 16 tone levels, while a copy has 256"
    fax, scan = (
        photo("/a/fax.tif", fmt="TIFF", size=9_000, tone_levels=2),
        photo("/a/fax.png", fmt="PNG", size=8_000, tone_levels=2),
    )
    ranked([fax, scan])
    assert not fax["conversion"] and not scan["conversion"]


def test_the_iphones_own_edit_is_named_as_derived():
    """IMG_E4120.JPG is the iPhone's edit of IMG_4120.JPG: of two photos otherwise alike the
    original leads (the mutant: DERIVED_NAME without the IMG_E pattern ties them on the path)."""
    edit, original = photo("/a/IMG_E4120.JPG"), photo("/DCIM/IMG_4120.JPG")  # the edit: a shorter path
    assert ranked([edit, original])[0] is original
    assert KeeperRanking().reason(original, edit) == "not named like an edited or copied file"


def test_a_byte_twin_without_a_photos_extension_never_wins_the_shortest_path():
    """The hostile try: `misc/mongolia` (found by its content) was kept over its byte twin
    `Camera/japanese-shop.jpg` on the shortest path, and a file named `-n` over a `.jpg`; photo apps
    show neither. Mutant: _original reading only the stem -> the shorter path wins."""
    for twin in ("/m/mongolia", "/d/-n", "/x/a.txt"):
        named, bare = photo("/Camera/japanese-shop.jpg"), photo(twin)
        assert ranked([bare, named])[0] is named, twin
        assert KeeperRanking().reason(named, bare) == "named as a photo (the other has no photo's extension)"


def test_bytes_per_pixel_that_round_alike_are_shown_apart():
    """The hostile try read "more bytes per pixel (0.16 vs 0.16)". Mutant: two decimals always."""
    bigger, smaller = photo("/a/x.png", 320, 320, "PNG", 16_400), photo("/b/x.png", 320, 320, "PNG", 16_100)
    assert KeeperRanking().reason(bigger, smaller) == "more bytes per pixel (0.160 vs 0.157)"


def test_a_heic_whose_thumbnail_shows_another_picture_is_never_kept_over_one_whose_does_not():
    """The hostile try: the iPhone's file with its embedded thumbnail swapped for another picture was
    kept over the untouched original on its bytes per pixel (mutant: no stale-thumbnail mark). Two
    stale ones are of one standing."""
    exif = {"make": "Apple", "model": "iPhone 12", "taken": "2021-06-12T10:31:07"}
    original = photo("/a/IMG_2682.heic", fmt="HEIF", size=1_000_000, thumbnail_distance=0, **exif)
    stale = photo("/d/IMG_2682.heic", fmt="HEIF", size=1_050_000, thumbnail_distance=30, **exif)
    assert ranked([stale, original])[0] is original
    assert stale["conversion"].startswith("its embedded thumbnail shows another picture")
    other = photo("/e/IMG_2682.heic", fmt="HEIF", size=1_100_000, thumbnail_distance=25, **exif)
    ranked([stale, other])
    assert stale["conversion"] == other["conversion"] == ""
