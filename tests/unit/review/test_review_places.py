"""What a card shows of where its photo lives (issue 21: every member read "/home/alice/Pic...")."""

from __future__ import annotations

from photo_dedup.review.places import MAX_PLACE, middle_ellipsis, places

HOME = "/home/alice/Pictures"


def test_two_roots_read_as_their_own_names():
    paths = [f"{HOME}/Masters/2019/IMG_1.jpg", f"{HOME}/Google Takeout/Photos from 2019/IMG_1.jpg"]
    assert places(paths, [f"{HOME}/Masters", f"{HOME}/Google Takeout"]) == [
        "Masters/2019",
        "Google Takeout/Photos from 2019",
    ]


def test_the_folders_every_member_shares_are_left_out():
    paths = [f"{HOME}/Masters/2019/a.jpg", f"{HOME}/Google Takeout/2019/a.jpg", f"{HOME}/Masters/a.jpg"]
    assert places(paths, [HOME]) == ["…/Masters/2019", "…/Google Takeout/2019", "…/Masters"]


def test_members_of_one_folder_show_that_folder():
    assert places([f"{HOME}/Trip/a.jpg", f"{HOME}/Trip/b.jpg"], [HOME]) == ["Pictures/Trip", "Pictures/Trip"]


def test_a_root_is_a_whole_folder_name_and_the_deepest_root_wins():
    paths = [f"{HOME}/Masters2/a.jpg", f"{HOME}/Masters/x/a.jpg"]
    assert places(paths, [f"{HOME}/Masters", HOME]) == ["Pictures/Masters2", "Masters/x"]
    assert places(["/elsewhere/a.jpg", f"{HOME}/a.jpg"], [HOME]) == ["/elsewhere", "Pictures"]


def test_a_long_place_is_cut_in_the_middle_keeping_its_deepest_folder():
    deep = f"{HOME}/Masters/" + "/".join(f"level {n}" for n in range(12)) + "/the trip to Lisbon"
    place = places([f"{deep}/a.jpg", f"{HOME}/Other/a.jpg"], [HOME])[0]
    assert len(place) == MAX_PLACE and "…" in place[1:]
    assert place.startswith("…/Masters/leve…") and place.endswith("level 11/the trip to Lisbon")
    assert middle_ellipsis("short") == "short"
