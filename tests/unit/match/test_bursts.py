"""Bursts and retakes (the same scene moved, moments apart, one camera) are found whatever their
hashes; another subject photographed in the same minute, or the same frames from another camera
or an hour later, are not. Real photos, real signatures."""

from __future__ import annotations

import numpy as np
from support.signature_table import table_of

from photo_dedup.match.bursts import burst_pairs
from photo_dedup.match.hash_search import hamming


def _frames(image, count, shift):
    """A pan: crops of one photo, each `shift` of the width further right."""
    w, h = image.size
    width = int(w * 0.7)
    return [image.crop((int(i * shift * w), 0, int(i * shift * w) + width, h)) for i in range(count)]


def _facts(times, make="Apple", model="iPhone XS"):
    return [{"make": make, "model": model, "taken": t} for t in times]


def test_a_panned_burst_is_found_though_its_hashes_are_far(photos):
    frames = _frames(photos["chelsea"].convert("RGB"), 3, 0.1)
    other = photos["coffee"].convert("RGB").resize(frames[0].size)
    times = ["2021-07-06T16:08:12", "2021-07-06T16:08:14", "2021-07-06T16:08:20", "2021-07-06T16:08:13"]
    table = table_of([*frames, other], _facts(times))
    assert hamming(table.phash[:1], table.phash[2:3])[0] > 10  # the candidate search would miss it
    found = {tuple(p) for p in burst_pairs(table, np.arange(len(table))).tolist()}
    assert {(0, 1), (1, 2)} <= found  # the mutant with no shift search (centre against centre) misses them
    assert not any(3 in pair for pair in found)  # another subject in the same seconds


def test_another_camera_or_an_hour_later_is_no_burst(photos):
    frames = _frames(photos["chelsea"].convert("RGB"), 2, 0.05)
    facts = _facts(["2021-07-06T16:08:12", "2021-07-06T16:08:13"])
    assert len(burst_pairs(table_of(frames, facts), np.arange(2))) == 1
    other_camera = [facts[0], {**facts[1], "model": "iPhone 12"}]
    later = [facts[0], {**facts[1], "taken": "2021-07-06T17:08:13"}]
    no_time = [facts[0], {**facts[1], "taken": None}]
    for changed in (other_camera, later, no_time):
        assert len(burst_pairs(table_of(frames, changed), np.arange(2))) == 0
