"""The report tables written and read back as groups, by this version and from an older groups.json."""

from __future__ import annotations

import json

import pandas as pd
from support.deletion_helpers import make_groups, with_companions

from photo_dedup.outputs.group_tables import read_csv, summarise, write_tables
from photo_dedup.shapes import read_report


def test_groups_json_round_trip_and_old_size_names(tmp_path):
    photo, copy, video = (tmp_path / name for name in ("a.jpg", "b.jpg", "b.mov"))
    photo.write_bytes(b"photo")
    copy.write_bytes(b"photo, copied")
    video.write_bytes(b"a live photo's video")
    groups = with_companions(make_groups({photo: [copy]}), {copy: [video]})
    groups[0].members[1]["companion_size"] = len(b"a live photo's video")
    unreadable = pd.DataFrame(columns=["path", "reason"])
    out = tmp_path / "groups.json"
    write_tables(groups, unreadable, {"groups": 1}, tmp_path / "g.csv", out, tmp_path / "u.csv")
    report = read_report(out)
    [read] = report.groups
    assert [m["size"] for m in read.members] == [5, 13] and [m["companion_size"] for m in read.members] == [0, 20]
    assert read.members[1]["companion_files"][0]["size"] == 20 and report.summary == {"groups": 1}
    assert read.keeper["path"] == str(photo) and read.group_id == "g0"
    assert list(read_csv(tmp_path / "g.csv")["path"]) == [str(photo), str(copy)]

    # A groups.json from before `bytes` became `size` (a rerun may read one left by the last version).
    document = json.loads(out.read_text())
    for member in document["groups"][0]["members"]:
        member["bytes"] = member.pop("size")
        member["companion_bytes"] = member.pop("companion_size")
        for item in member["companion_files"]:
            item["bytes"] = item.pop("size")
        del member["inherits"]  # and from before the keeper inherited
    out.write_text(json.dumps(document))
    [old] = read_report(out).groups
    assert [m["size"] for m in old.members] == [5, 13] and [m["companion_size"] for m in old.members] == [0, 20]
    assert old.members[1]["companion_files"][0]["size"] == 20 and old.keeper["inherits"] == ""


def test_the_keeper_is_read_back_first_wherever_it_was_written(tmp_path):
    """Mutant: read_report taking the first member as the keeper."""
    photo, copy = tmp_path / "a.jpg", tmp_path / "b.jpg"
    photo.write_bytes(b"photo")
    copy.write_bytes(b"photo, copied")
    groups = make_groups({photo: [copy]})
    out = tmp_path / "groups.json"
    write_tables(groups, pd.DataFrame(columns=["path", "reason"]), {}, tmp_path / "g.csv", out, tmp_path / "u.csv")
    document = json.loads(out.read_text())
    document["groups"][0]["members"].reverse()
    out.write_text(json.dumps(document))
    assert read_report(out).groups[0].keeper["path"] == str(photo)


def test_counts_come_from_the_verdicts(tmp_path):
    """Files the script removes, bytes with their companions, and duplicates Photos handles apart."""
    paths = [tmp_path / f"{n}.jpg" for n in range(4)]
    for n, path in enumerate(paths):
        path.write_bytes(b"x" * (10 + n))
    groups = make_groups({paths[0]: paths[1:]})
    groups[0].members[1]["companion_size"] = 100
    groups[0].members[3]["handled_by"] = "Apple Photos"
    groups[0].keeper["keeper_lacks"] = "GPS"
    summary = summarise(groups, pd.DataFrame(columns=["path", "reason"]), {"photo": 4})
    assert summary["files_to_remove"] == 2 and summary["photos_duplicates"] == 1
    assert summary["bytes_to_reclaim"] == 11 + 100 + 12 and summary["keepers_lacking_metadata"] == 1
    assert summary["groups"] == 1 and summary["edit_groups"] == 0 and summary["photos_in_groups"] == 4


def test_a_keeper_named_only_by_its_group_is_found(tmp_path):
    """A groups.json without `match` marks (edited by hand, or minimal): the group's `keeper` path
    names it (mutant: the first member taken)."""
    out = tmp_path / "groups.json"
    members = [{"path": "/a/copy.jpg", "digest": "c"}, {"path": "/a/kept.jpg", "digest": "k"}]
    out.write_text(
        json.dumps({"summary": {}, "groups": [{"group_id": "g", "keeper": "/a/kept.jpg", "members": members}]})
    )
    [group] = read_report(out).groups
    assert group.keeper["path"] == "/a/kept.jpg" and group.others[0]["path"] == "/a/copy.jpg"
    assert group.keeper["keep"] is False and group.keeper["reason"] == "" and group.relation == "copy"
