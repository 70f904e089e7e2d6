"""A working folder with results for one group of two photos, and the review server running on it."""

from __future__ import annotations

import hashlib
import json
import threading

import pytest

from photo_dedup.review.server import make_server

DECISIONS = {"version": 1, "decisions": [{"action": "keep_all", "members": ["a" * 64, "b" * 64]}]}


@pytest.fixture()
def served(tmp_path, capfd):
    """A working folder with results for one group of two photos, and its server running."""
    library = tmp_path / "library"
    library.mkdir()
    members = []
    for name, content in (("keep.jpg", b"\xff\xd8 the kept photo"), ("copy.jpg", b"\xff\xd8 its copy")):
        (library / name).write_bytes(content)
        digest = hashlib.sha256(content).hexdigest()
        members.append({"path": str(library / name), "size": len(content), "digest": digest})
    workdir = tmp_path / "work"
    (workdir / "results").mkdir(parents=True)
    (workdir / "results" / "report.html").write_text("<html>the page</html>")
    groups = {"groups": [{"group_id": "g1", "members": members}], "summary": {}}
    (workdir / "results" / "groups.json").write_text(json.dumps(groups))
    (workdir / "decisions.json").write_text(json.dumps(DECISIONS))
    server = make_server(workdir)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield {"server": server, "workdir": workdir, "members": members, "library": library}
    server.shutdown()
    server.server_close()
    assert "Traceback" not in capfd.readouterr().err
