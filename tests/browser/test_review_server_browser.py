"""Attacks on the review server from a real browser (Debian's Chromium): a page on another port of
this machine, and a DNS-rebound name, while the user's own page is open and logged in."""

from __future__ import annotations

import json
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from support.browser import CHROMIUM, pytestmark, sync_api  # noqa: F401 - the browser marks
from support.review_served import DECISIONS

ATTACK = """<!doctype html><html><body>
<form id="form" method="POST" action="http://127.0.0.1:{port}/decisions" enctype="text/plain">
<input name='{{"version": 1, "decisions": [], "x": "' value='"}}'></form>
<form id="rerun" method="POST" action="http://127.0.0.1:{port}/rerun" target="frame"><input name="a" value="b"></form>
<iframe name="frame"></iframe>
<script>
window.results = [];
function attempt(url, options) {{
  return fetch(url, Object.assign({{credentials: "include", mode: "no-cors"}}, options))
    .then(function (r) {{ window.results.push(url + " " + r.type); }},
          function (e) {{ window.results.push(url + " error"); }});
}}
</script></body></html>"""


@pytest.fixture(scope="module")
def chromium():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--host-resolver-rules=MAP evil.example 127.0.0.1",  # what DNS rebinding achieves
            ],
        )
        yield browser
        browser.close()


class RecordingHandler(SimpleHTTPRequestHandler):
    """Serves the attacker's page and keeps every header the browser sent it."""

    seen: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the base class's name
        RecordingHandler.seen.append(str(self.headers))
        super().do_GET()

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture()
def attacker(tmp_path):
    """A web page on another port of 127.0.0.1, recording what the browser sends it."""
    folder = tmp_path / "attacker"
    folder.mkdir()
    RecordingHandler.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(RecordingHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield folder, server.server_address[1]
    server.shutdown()
    server.server_close()


def decisions_unchanged(workdir: Path) -> bool:
    return json.loads((workdir / "decisions.json").read_text()) == DECISIONS and not (workdir / ".snakemake").exists()


def test_another_page_cannot_change_decisions_or_rerun(chromium, served, attacker):  # noqa: F811
    server, workdir = served["server"], served["workdir"]
    port = server.server_address[1]
    context = chromium.new_context()
    user = context.new_page()
    user.goto(server.url)  # the user is logged in: the browser holds the cookie
    assert "the page" in user.content()
    folder, attacker_port = attacker
    (folder / "index.html").write_text(ATTACK.format(port=port))
    page = context.new_page()
    page.goto(f"http://127.0.0.1:{attacker_port}/index.html")
    # a browser sends 127.0.0.1's cookies to every port: the review server must have set none
    assert RecordingHandler.seen and not any(server.token in headers for headers in RecordingHandler.seen)
    assert not any("photo_dedup" in headers for headers in RecordingHandler.seen)
    body = json.dumps({"version": 1, "decisions": []})
    page.evaluate(
        """([port, body]) => Promise.all([
            attempt("http://127.0.0.1:" + port + "/decisions", {method: "POST", body: body,
                    headers: {"Content-Type": "text/plain"}}),
            attempt("http://127.0.0.1:" + port + "/rerun", {method: "POST", body: "{}"}),
            attempt("http://127.0.0.1:" + port + "/decisions", {method: "POST", body: body, mode: "cors",
                    headers: {"Content-Type": "application/json"}}),
        ])""",
        [port, body],
    )
    with page.expect_navigation():
        page.evaluate("document.getElementById('form').submit()")
    assert "forbidden" in page.content()
    page.go_back()
    page.evaluate("document.getElementById('rerun').submit()")
    page.wait_for_timeout(500)
    assert decisions_unchanged(workdir)
    context.close()


def test_a_rebound_name_gets_nothing(chromium, served):  # noqa: F811
    """evil.example resolves to 127.0.0.1: its page is same-origin with itself, so it could read
    everything, were it not for the Host check."""
    server, workdir = served["server"], served["workdir"]
    port = server.server_address[1]
    context = chromium.new_context()
    page = context.new_page()
    response = page.goto(f"http://evil.example:{port}/?token={server.token}")  # even with the token
    assert response.status == 403
    for path in ("/groups.json", "/original/" + served["members"][0]["digest"], "/report.html"):
        assert page.goto(f"http://evil.example:{port}{path}").status == 403
    status = page.evaluate(
        """(body) => fetch("/decisions", {method: "POST", body: body, headers: {"Content-Type": "application/json"}})
                     .then(r => r.status)""",
        json.dumps({"version": 1, "decisions": []}),
    )
    assert status == 403
    assert decisions_unchanged(workdir)
    context.close()


def test_the_users_own_page_still_saves(chromium, served):  # noqa: F811
    server, workdir = served["server"], served["workdir"]
    context = chromium.new_context()
    page = context.new_page()
    page.goto(server.url)
    assert page.url == f"http://127.0.0.1:{server.server_address[1]}/report.html?token={server.token}"
    text = page.evaluate(
        """(body) => fetch("decisions", {method: "POST", body: body, headers: {"Content-Type": "application/json",
                     "X-Review-Token": new URLSearchParams(location.search).get("token")}}).then(r => r.text())""",
        json.dumps({"version": 1, "decisions": []}),
    )
    assert text.startswith("saved 0 decision(s)")
    assert json.loads((workdir / "decisions.json").read_text())["decisions"] == []
    context.close()
