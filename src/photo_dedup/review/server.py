"""`photo-dedup-review`: the contact sheet served on this machine, to the person who started it only.

It serves `results/` on 127.0.0.1 (never another address). The page then saves its decisions
straight into the decisions file the workflow reads (checked, then written whole) and can run the
workflow again, with the configuration of the last run.

Who may use it: a random token is made at start and printed in the address; every request must
carry it (the page adds it to every address it loads, and sends it in a header with every change),
or gets 403. No cookie is set: a browser sends a cookie of 127.0.0.1 to every other port of
127.0.0.1 too, so any other local server the user visits would receive it. The Host header must
name this server (127.0.0.1, localhost or [::1] with its port), so a DNS-rebound name gets nothing;
a POST must come from this server's own page (Origin or Referer) and carry JSON. Responses may not
be framed by another page, and send no Referer to other origins. Originals are served only for
photos listed in `results/groups.json`, only as regular files (no symbolic link) whose size and
SHA-256 still match it; files of `results/` only as regular files inside it.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import hmac
import json
import os
import secrets
import stat
import subprocess
import sys
import tempfile
import threading
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from photo_dedup.cache.atomic import write_text
from photo_dedup.cache.layout import CACHE_DIR, CacheLayout
from photo_dedup.config.decisions_file import DecisionsProblem, decisions_digest, load_decisions_file
from photo_dedup.outputs.results_layout import ResultsLayout
from photo_dedup.shapes import read_report
from photo_dedup.workflow.command import snakemake_command

LAST_CONFIG = CacheLayout(Path(CACHE_DIR)).last_config
DEFAULT_DECISIONS = "decisions.json"
MAX_BODY = 20 * 1024 * 1024
LOCAL_NAMES = ("127.0.0.1", "localhost", "[::1]")


class Refused(Exception):
    """A request this server does not answer; the message is the one line it sends back."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status


class ReviewHandler(SimpleHTTPRequestHandler):
    """Files under results/, plus POST /decisions, POST /rerun and GET /original/<sha256>."""

    workdir: Path
    token: str
    rerun_lock = threading.Lock()
    timeout = 60  # seconds a client may take to send its request

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, directory=str(ResultsLayout.of(self.workdir).root), **kwargs)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass  # quiet: the terminal shows the page's address only

    @property
    def port(self) -> int:
        return int(self.server.server_port)  # type: ignore[attr-defined]  # an HTTPServer's

    def end_headers(self) -> None:
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Content-Security-Policy", "frame-ancestors 'none'")
        self.send_header("Referrer-Policy", "same-origin")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:  # noqa: N802 - the base class's name
        self._answer(self._get)

    def do_HEAD(self) -> None:  # noqa: N802 - the base class's name
        self._answer(self._get)

    def do_POST(self) -> None:  # noqa: N802 - the base class's name
        self._answer(self._post)

    def _answer(self, handle: Any) -> None:
        try:
            handle()
        except Refused as refused:
            self._reply(refused.status, str(refused))
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser went away

    def _get(self) -> None:
        path, query = self._checked_target()
        self._require_the_user(query)
        if path in ("/", ""):
            self.send_response(HTTPStatus.FOUND)
            self.send_header("Location", f"/report.html?token={self.token}")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path.startswith("/original/"):
            self._send_original(path.removeprefix("/original/"))
        elif not self._regular_result(path):
            raise Refused(HTTPStatus.NOT_FOUND, "not a file of the results")
        else:
            super().do_GET() if self.command == "GET" else super().do_HEAD()

    def _regular_result(self, path: str) -> bool:
        """`path` names a regular file inside results/, reached through no symbolic link."""
        results = os.path.realpath(self.directory)
        target = os.path.abspath(self.translate_path(path))
        if os.path.realpath(target) != target or os.path.commonpath([results, target]) != results:
            return False
        return os.path.isfile(target)

    def _post(self) -> None:
        path, query = self._checked_target()
        self._require_the_user(query)
        self._require_this_page()
        body = self._body()
        if path == "/decisions":
            self._save_decisions(body)
        elif path == "/rerun":
            self._rerun()
        else:
            raise Refused(HTTPStatus.NOT_FOUND, "unknown")

    def _checked_target(self) -> tuple[str, dict[str, list[str]]]:
        """The request's path and query, once the Host is this server's and the address is sound."""
        port = self.port
        if self.headers.get("Host", "") not in {f"{name}:{port}" for name in LOCAL_NAMES}:
            raise Refused(HTTPStatus.FORBIDDEN, "forbidden: this server answers only to 127.0.0.1, localhost or [::1]")
        target = urlsplit(self.path)
        try:
            path = unquote(target.path, errors="strict") if target.path else "/"
        except UnicodeDecodeError as error:
            raise Refused(HTTPStatus.BAD_REQUEST, "bad request: the address is not UTF-8") from error
        if any(ord(char) < 32 or char == "\x7f" for char in path) or not path.startswith("/"):
            raise Refused(HTTPStatus.BAD_REQUEST, "bad request: the address holds control characters")
        return path, parse_qs(target.query)

    def _require_the_user(self, query: dict[str, list[str]]) -> None:
        """Only a request that carries the printed token (in the address, or the page's header)."""
        given = self.headers.get("X-Review-Token") or query.get("token", [""])[0]
        if not (given and hmac.compare_digest(given.encode(), self.token.encode())):
            raise Refused(
                HTTPStatus.FORBIDDEN, "forbidden: open the address photo-dedup-review printed (it holds a token)"
            )

    def _require_this_page(self) -> None:
        """A POST comes from this server's own page and carries JSON (no form, no other site)."""
        own = {f"http://{name}:{self.port}" for name in LOCAL_NAMES}
        origin = self.headers.get("Origin")
        if origin is None:
            referer = urlsplit(self.headers.get("Referer", ""))
            origin = f"{referer.scheme}://{referer.netloc}" if referer.netloc else ""
        if origin not in own:
            raise Refused(HTTPStatus.FORBIDDEN, "forbidden: a change must come from the review page itself")
        content_type = self.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
        if content_type != "application/json":
            raise Refused(HTTPStatus.FORBIDDEN, "forbidden: changes are sent as application/json")

    def _body(self) -> bytes:
        text = self.headers.get("Content-Length")
        if text is None:
            raise Refused(HTTPStatus.LENGTH_REQUIRED, "the request needs a Content-Length")
        if not text.strip().isdigit():
            raise Refused(HTTPStatus.BAD_REQUEST, "bad request: Content-Length is not a length")
        length = int(text)
        if length > MAX_BODY:
            raise Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"too large: at most {MAX_BODY // 2**20} MB")
        return self.rfile.read(length)

    def _reply(self, status: HTTPStatus, text: str) -> None:
        data = (text + "\n").encode("utf-8", "replace")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        if self.command == "POST":  # what the page now builds on (see decisions_digest)
            self.send_header("X-Decisions-Base", decisions_digest(decisions_path(self.workdir)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _save_decisions(self, body: bytes) -> None:
        target = decisions_path(self.workdir)
        base = self.headers.get("X-Decisions-Base")
        if base is not None and base != decisions_digest(target):
            raise Refused(
                HTTPStatus.CONFLICT,
                f"{target} was saved since this page was made (from another window?): not saved over it;"
                " reload the page to see those decisions, then choose again",
            )
        with tempfile.TemporaryDirectory() as tmp:
            candidate = Path(tmp) / "decisions.json"
            candidate.write_bytes(body)
            try:
                document = load_decisions_file(candidate)
            except DecisionsProblem as problem:
                message = str(problem).replace(str(candidate), "the page's decisions")
                raise Refused(HTTPStatus.BAD_REQUEST, message) from problem
        write_text(target, document.as_json())
        folders = f" and {len(document.preferred_roots)} folder(s) to keep" if document.preferred_roots else ""
        self._reply(HTTPStatus.OK, f"saved {len(document.entries)} decision(s){folders} to {target}")

    def _rerun(self) -> None:
        if not self.rerun_lock.acquire(blocking=False):
            raise Refused(HTTPStatus.CONFLICT, "a run is already going")
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
        listed = originals(self.workdir).get(digest)
        data = read_unchanged(listed) if listed is not None else None
        if listed is None or data is None:
            raise Refused(HTTPStatus.NOT_FOUND, "not a photo of this review, or changed since the analysis")
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", self.guess_type(listed.path))
        self.send_header("Content-Length", str(len(data)))
        if self.command == "POST":  # what the page now builds on (see decisions_digest)
            self.send_header("X-Decisions-Base", decisions_digest(decisions_path(self.workdir)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)


class ListedPhoto:
    """A photo of the current results: where it is and what it was at analysis."""

    def __init__(self, path: str, size: int, digest: str) -> None:
        self.path, self.size, self.digest = path, size, digest


def originals(workdir: Path) -> dict[str, ListedPhoto]:
    """SHA-256 -> every photo in the groups of the current results."""
    try:
        groups = read_report(ResultsLayout.of(workdir).groups_json).groups
        members = [member for group in groups for member in group.members]
        return {m["digest"]: ListedPhoto(m["path"], int(m["size"]), m["digest"]) for m in members}
    except (OSError, ValueError, KeyError, TypeError, AttributeError, StopIteration, RecursionError):
        return {}


def read_unchanged(photo: ListedPhoto) -> bytes | None:
    """The photo's bytes if it is still a regular file (not a link) of its recorded size and SHA-256."""
    try:
        descriptor = os.open(photo.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except (OSError, ValueError):
        return None
    info = os.fstat(descriptor)
    if not stat.S_ISREG(info.st_mode) or info.st_size != photo.size:
        os.close(descriptor)
        return None
    with os.fdopen(descriptor, "rb") as handle:
        data = handle.read(photo.size + 1)
    if len(data) != photo.size or hashlib.sha256(data).hexdigest() != photo.digest:
        return None
    return data


def decisions_path(workdir: Path) -> Path:
    """The decisions file the workflow reads: the last run's `decisions` setting, in the working folder."""
    try:
        configured = json.loads((workdir / LAST_CONFIG).read_text(encoding="utf-8")).get("decisions")
    except (OSError, ValueError, AttributeError, RecursionError):
        configured = None
    return workdir / (configured if isinstance(configured, str) and configured else DEFAULT_DECISIONS)


class ReviewServer(ThreadingHTTPServer):
    """The review server with its token and the address that opens it."""

    daemon_threads = True
    token: str

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/?token={self.token}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        print(f"photo-dedup-review: a request failed: {type(error).__name__}: {error}", file=sys.stderr)


def make_server(workdir: Path, port: int = 0) -> ReviewServer:
    """A review server for `workdir` on 127.0.0.1 (port 0: any free port), with a new token."""
    token = secrets.token_urlsafe(32)
    handler = type("BoundReviewHandler", (ReviewHandler,), {"workdir": workdir.resolve(), "token": token})
    server = ReviewServer(("127.0.0.1", port), handler)
    server.token = token
    return server


def _port(text: str) -> int:
    """A port number, 0 (any free port) to 65535."""
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port: give a number from 0 (any free one) to 65535")
    return port


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Serve the contact sheet on this machine, to you only; decisions go to the decisions file."
    )
    parser.add_argument("--workdir", default=".", help="the folder you run snakemake in (default: here)")
    parser.add_argument("--port", type=_port, default=8765, help="port on 127.0.0.1 (default 8765)")
    args = parser.parse_args(argv)
    workdir = Path(args.workdir)
    if not workdir.is_dir():
        print(
            f"photo-dedup: no such folder: {workdir}: give --workdir the folder you ran snakemake in", file=sys.stderr
        )
        return 2
    if not ResultsLayout.of(workdir).report_html.exists():
        print(f"photo-dedup: no results/report.html in {workdir.resolve()}: run snakemake first", file=sys.stderr)
        return 2
    try:
        server = make_server(workdir, args.port)
    except OSError as error:
        print(f"photo-dedup: cannot listen on 127.0.0.1:{args.port} ({error.strerror}): try --port", file=sys.stderr)
        return 2
    print(f"photo-dedup: review at {server.url}")
    print("  Open this address: its token lets in only you (other pages and users get 403); keep it to yourself.")
    print(f"  Saved decisions go to {decisions_path(workdir)}. Ctrl-C stops the server.", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
