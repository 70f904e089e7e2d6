"""`photo-dedup-review`: the contact sheet served on this machine only, so that decisions need no file moved.

It serves `results/` on 127.0.0.1 (never another address). The page then saves its decisions
straight into `decisions.json` (checked, then written whole) and can run the workflow again,
with the configuration of the last run. Originals are served only for photos listed in
`results/groups.json`, looked up by their SHA-256.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from photo_dedup.atomic import write_text
from photo_dedup.decisions_file import DecisionsProblem, load_decisions_document
from photo_dedup.workflow_command import snakemake_command

LAST_CONFIG = Path("cache") / "last-config.json"
MAX_BODY = 20 * 1024 * 1024


class ReviewHandler(SimpleHTTPRequestHandler):
    """Files under results/, plus POST /decisions, POST /rerun and GET /original/<sha256>."""

    workdir: Path
    rerun_lock = threading.Lock()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, directory=str(self.workdir / "results"), **kwargs)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass  # quiet: the terminal shows the page's address only

    def do_GET(self) -> None:  # noqa: N802 - the base class's name
        if self.path in ("/", ""):
            self.send_response(HTTPStatus.FOUND)
            self.send_header("Location", "/report.html")
            self.end_headers()
            return
        if self.path.startswith("/original/"):
            self._send_original(self.path.removeprefix("/original/"))
            return
        super().do_GET()

    def do_POST(self) -> None:  # noqa: N802 - the base class's name
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._reply(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "too large")
            return
        body = self.rfile.read(length)
        if self.path == "/decisions":
            self._save_decisions(body)
        elif self.path == "/rerun":
            self._rerun()
        else:
            self._reply(HTTPStatus.NOT_FOUND, "unknown")

    def _reply(self, status: HTTPStatus, text: str) -> None:
        data = text.encode("utf-8", "replace")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _save_decisions(self, body: bytes) -> None:
        target = self.workdir / "decisions.json"
        with tempfile.TemporaryDirectory() as tmp:
            candidate = Path(tmp) / "decisions.json"
            candidate.write_bytes(body)
            try:
                entries = load_decisions_document(candidate)
            except DecisionsProblem as problem:
                self._reply(HTTPStatus.BAD_REQUEST, str(problem).replace(str(candidate), "the page's decisions"))
                return
        write_text(target, json.dumps({"version": 1, "decisions": entries}, indent=1, sort_keys=True) + "\n")
        self._reply(HTTPStatus.OK, f"saved {len(entries)} decision(s) to {target}")

    def _rerun(self) -> None:
        if not self.rerun_lock.acquire(blocking=False):
            self._reply(HTTPStatus.CONFLICT, "a run is already going")
            return
        try:
            extra = ["--quiet", "all"]
            if (self.workdir / LAST_CONFIG).exists():
                extra += ["--configfile", str(self.workdir / LAST_CONFIG)]
            command = snakemake_command(self.workdir, os.cpu_count() or 1, *extra)
            result = subprocess.run(command, cwd=self.workdir, capture_output=True, text=True, timeout=24 * 3600)
        finally:
            self.rerun_lock.release()
        output = (result.stdout + result.stderr).strip().splitlines()
        status = HTTPStatus.OK if result.returncode == 0 else HTTPStatus.INTERNAL_SERVER_ERROR
        self._reply(status, "\n".join(output[-12:]))

    def _send_original(self, digest: str) -> None:
        path = originals(self.workdir).get(digest)
        if path is None or not os.path.isfile(path):
            self._reply(HTTPStatus.NOT_FOUND, "not a photo of this review")
            return
        with open(path, "rb") as handle:
            data = handle.read()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def originals(workdir: Path) -> dict[str, str]:
    """SHA-256 -> path of every photo in the groups of the current results."""
    try:
        document = json.loads((workdir / "results" / "groups.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {member["digest"]: member["path"] for group in document["groups"] for member in group["members"]}


def make_server(workdir: Path, port: int = 0) -> ThreadingHTTPServer:
    """A review server for `workdir` on 127.0.0.1 (port 0: any free port)."""
    handler = type("BoundReviewHandler", (ReviewHandler,), {"workdir": workdir.resolve()})
    return ThreadingHTTPServer(("127.0.0.1", port), handler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Serve the contact sheet on this machine; decisions go to decisions.json."
    )
    parser.add_argument("--workdir", default=".", help="the folder you run snakemake in (default: here)")
    parser.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (default 8765)")
    args = parser.parse_args(argv)
    workdir = Path(args.workdir)
    if not (workdir / "results" / "report.html").exists():
        print(f"photo-dedup: no results/report.html in {workdir.resolve()}: run snakemake first", file=sys.stderr)
        return 2
    server = make_server(workdir, args.port)
    print(f"photo-dedup: review at http://127.0.0.1:{server.server_address[1]}/report.html (Ctrl-C to stop)")
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
