import pytest

from photo_dedup.keeper import KeeperRanking


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
