"""The report tables written and read back, by this version and from an older groups.json."""

from __future__ import annotations

import json

import pandas as pd
from support.deletion_helpers import make_rows, with_companions

from photo_dedup.outputs.group_tables import read_groups_json, write_tables


def test_groups_json_round_trip_and_old_size_names(tmp_path):
    photo, copy, video = (tmp_path / name for name in ("a.jpg", "b.jpg", "b.mov"))
    photo.write_bytes(b"photo")
    copy.write_bytes(b"photo, copied")
    video.write_bytes(b"a live photo's video")
    rows = with_companions(make_rows({photo: [copy]}), {copy: [video]})
    rows["companion_size"] = [0, len(b"a live photo's video")]
    unreadable = pd.DataFrame(columns=["path", "reason"])
    out = tmp_path / "groups.json"
    write_tables(rows, unreadable, {"groups": 1}, tmp_path / "g.csv", out, tmp_path / "u.csv")
    read, summary, _ = read_groups_json(out)
    assert list(read["size"]) == [5, 13] and list(read["companion_size"]) == [0, 20]
    assert read.loc[1, "companion_files"][0]["size"] == 20 and summary == {"groups": 1}

    # A groups.json from before `bytes` became `size` (a rerun may read one left by the last version).
    document = json.loads(out.read_text())
    for member in document["groups"][0]["members"]:
        member["bytes"] = member.pop("size")
        member["companion_bytes"] = member.pop("companion_size")
        for item in member["companion_files"]:
            item["bytes"] = item.pop("size")
    out.write_text(json.dumps(document))
    old, _, _ = read_groups_json(out)
    assert list(old["size"]) == [5, 13] and list(old["companion_size"]) == [0, 20]
    assert old.loc[1, "companion_files"][0]["size"] == 20
