"""The real-world benchmark counts a file as placed where the page shows it: a similar group lists one
photo of each copy group and of each edit group, so their other files count as placed there too."""

from __future__ import annotations

import pandas as pd
from real_world import placed  # benchmarks/ is on the tests' path (pyproject: pythonpath)


def test_a_crop_of_one_burst_frame_counts_as_beside_the_other_frame():
    """Mutant: without the edit groups' expansion, the crop x and the other frame b are in no group."""
    rows = pd.DataFrame(
        [
            ("c1", "copy", "r:a.heic"),
            ("c1", "copy", "r:a.jpg"),
            ("e1", "edit", "r:a.heic"),  # the edit group's first photo: the one the similar group lists
            ("e1", "edit", "r:x.heic"),  # a crop of a
            ("s1", "similar", "r:a.heic"),
            ("s1", "similar", "r:b.heic"),  # the next frame of a's burst
            ("e2", "edit", "r:u.heic"),
            ("e2", "edit", "r:v.heic"),  # an edit group the similar group does not list
        ],
        columns=["group_id", "relation", "key"],
    )
    tiers, _ = placed(rows)
    assert tiers[("r:b.heic", "r:x.heic")] == "similar"
    assert tiers[("r:a.jpg", "r:b.heic")] == "similar"  # a copy of the frame, as before
    assert tiers[("r:a.heic", "r:x.heic")] == "edit"  # the closer tier stays
    assert not any("r:u.heic" in pair and "r:b.heic" in pair for pair in tiers)
