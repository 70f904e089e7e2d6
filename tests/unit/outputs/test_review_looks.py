"""Which groups "need a look" (issue 21 point 8): the page's filters and summary tiles."""

from __future__ import annotations

from photo_dedup.outputs.contact_sheet import apart_key, needs_a_look


def member(**facts: str) -> dict[str, str]:
    return {"keeper_lacks": "", "conversion": "", "reason": "duplicate of the kept photo", **facts}


def test_each_reason_to_look_is_found_and_only_it():
    assert needs_a_look([member(), member()]) == []
    assert needs_a_look([member(keeper_lacks="capture time, GPS"), member()]) == ["lacks"]
    assert needs_a_look([member(), member(conversion="no camera EXIF, while a copy has it")]) == ["conversion"]
    outside = member(reason="kept: better copy outside Photos (more pixels (4000x3000 vs 2000x1500))")
    assert needs_a_look([member(), outside]) == ["outside-photos"]


def test_a_kept_apart_decision_has_the_key_the_page_builds():
    assert apart_key({"action": "not_duplicates", "members": ["a", "b"]}) == "a|b"
    assert apart_key({"action": "not_a_copy", "photo": "b", "members": ["a", "b"]}) == "b@a|b"
