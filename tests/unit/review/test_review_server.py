"""The review server answers only the person who started it (issue: cross-site requests, DNS
rebinding, other local users, links swapped in, hostile request framing). A real server on
127.0.0.1, spoken to over real sockets."""

from __future__ import annotations

import hashlib
import http.client
import json
import threading
from pathlib import Path

import pytest
from support.review_served import DECISIONS

from photo_dedup.review.server import main, make_server


def request(server, method, path, body=None, headers=None, host=None):
    """One raw HTTP request; returns (status, body text, headers)."""
    port = server.server_address[1]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    connection.putheader("Host", host or f"127.0.0.1:{port}")
    for name, value in (headers or {}).items():
        connection.putheader(name, value)
    connection.endheaders(body)
    response = connection.getresponse()
    text = response.read().decode("utf-8", "replace")
    connection.close()
    return response.status, text, dict(response.getheaders())


def own_page_headers(server, **extra):
    port = server.server_address[1]
    return {
        "X-Review-Token": server.token,
        "Origin": f"http://127.0.0.1:{port}",
        "Content-Type": "application/json",
        **extra,
    }


def post(server, path, body: bytes, headers):
    return request(server, "POST", path, body, {"Content-Length": str(len(body)), **headers})


def unchanged(served) -> bool:
    saved = json.loads((served["workdir"] / "decisions.json").read_text())
    return saved == DECISIONS and not (served["workdir"] / ".snakemake").exists()


def test_the_printed_address_lets_the_user_in_and_sets_no_cookie(served):
    """No cookie: a browser would send a cookie of 127.0.0.1 to every other port of 127.0.0.1 too."""
    server = served["server"]
    assert server.url.startswith(f"http://127.0.0.1:{server.server_address[1]}/?token=")
    status, _, headers = request(server, "GET", "/?token=" + server.token)
    assert status == 302 and headers["Location"] == "/report.html?token=" + server.token
    assert "Set-Cookie" not in headers
    status, text, headers = request(server, "GET", "/report.html?token=" + server.token)
    assert status == 200 and "the page" in text and "Set-Cookie" not in headers
    assert headers["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "same-origin"
    status, _, _ = request(server, "GET", "/report.html", headers={"X-Review-Token": server.token})
    assert status == 200


@pytest.mark.parametrize("path", ["/report.html", "/groups.json", "/", "/original/" + "0" * 64])
def test_without_the_token_every_request_is_refused(served, path):
    """Another local user (or any program) that does not have the printed token gets nothing."""
    server = served["server"]
    path = path.replace("0" * 64, served["members"][0]["digest"])
    for headers in (
        {},
        {"X-Review-Token": "wrong"},
        {"Cookie": f"photo_dedup_review_{server.server_address[1]}={server.token}"},
    ):
        status, text, _ = request(server, "GET", path, headers=headers)
        assert status == 403 and text.startswith("forbidden"), (path, status, text)
    status, _, _ = request(server, "GET", "/report.html?token=" + "x" * len(server.token))
    assert status == 403


def test_a_foreign_host_header_is_refused_even_with_the_token(served):
    """DNS rebinding: a page at evil.example resolved to 127.0.0.1 sends Host: evil.example."""
    server = served["server"]
    port = server.server_address[1]
    for path in ("/groups.json", "/original/" + served["members"][0]["digest"], "/?token=" + server.token):
        status, _, _ = request(server, "GET", path, headers=own_page_headers(server), host=f"evil.example:{port}")
        assert status == 403
    body = json.dumps({"decisions": []}).encode()
    status, _, _ = post(
        server, "/decisions", body, own_page_headers(server) | {"Origin": f"http://evil.example:{port}"}
    )
    assert status == 403
    status, _, _ = request(server, "GET", "/groups.json", headers=own_page_headers(server), host="127.0.0.1:1")
    assert status == 403
    assert unchanged(served)


@pytest.mark.parametrize(
    "change",
    [
        {"Content-Type": "text/plain"},  # a cross-site fetch with no preflight
        {"Content-Type": "application/x-www-form-urlencoded"},  # a plain HTML form
        {"Content-Type": "multipart/form-data; boundary=x"},
        {"Origin": "http://127.0.0.1:9"},  # a page on another port of this machine
        {"Origin": "null"},  # a sandboxed frame or file:// page
        {"Origin": "http://evil.example"},
    ],
)
@pytest.mark.parametrize("path", ["/decisions", "/rerun"])
def test_changes_from_other_pages_are_refused(served, change, path):
    server = served["server"]
    status, text, _ = post(server, path, json.dumps({"decisions": []}).encode(), own_page_headers(server) | change)
    assert status == 403 and text.startswith("forbidden")
    assert unchanged(served)


def test_a_post_without_origin_needs_this_pages_referer(served):
    server = served["server"]
    headers = own_page_headers(server)
    del headers["Origin"]
    body = json.dumps({"decisions": []}).encode()
    assert post(server, "/decisions", body, headers | {"Referer": "http://evil.example/x"})[0] == 403
    assert post(server, "/decisions", body, headers)[0] == 403
    assert unchanged(served)
    referer = f"http://127.0.0.1:{server.server_address[1]}/report.html"
    assert post(server, "/decisions", body, headers | {"Referer": referer})[0] == 200


def test_the_page_saves_where_the_run_reads(served):
    server, workdir = served["server"], served["workdir"]
    (workdir / "cache").mkdir()
    (workdir / "cache" / "last-config.json").write_text(json.dumps({"decisions": "reviews/mine.json"}))
    (workdir / "reviews").mkdir()
    status, text, _ = post(server, "/decisions", json.dumps(DECISIONS).encode(), own_page_headers(server))
    assert status == 200 and str(workdir / "reviews" / "mine.json") in text
    assert json.loads((workdir / "reviews" / "mine.json").read_text())["decisions"] == DECISIONS["decisions"]


@pytest.mark.parametrize(
    ("length", "status"),
    [(None, 411), ("-1", 400), ("abc", 400), ("1e3", 400), (str(21 * 2**20), 413)],
)
def test_a_bad_content_length_is_refused(served, length, status):
    server = served["server"]
    headers = own_page_headers(server)
    if length is not None:
        headers["Content-Length"] = length
    got, _, _ = request(server, "POST", "/decisions", b"", headers)
    assert got == status
    assert unchanged(served)


@pytest.mark.parametrize("path", ["/report%00.html", "/%00", "/thumbs/%ff%fe.jpg", "/a%0d%0aSet-Cookie:x"])
def test_a_bad_address_gets_400_and_no_traceback(served, path):
    server = served["server"]
    status, _, _ = request(server, "GET", path, headers=own_page_headers(server))
    assert status == 400


def test_originals_are_served_only_while_they_are_what_was_analysed(served, tmp_path):
    server, library = served["server"], served["library"]
    keeper, copy = served["members"]
    headers = own_page_headers(server)
    status, text, _ = request(server, "GET", "/original/" + keeper["digest"], headers=headers)
    assert status == 200 and text.endswith(" the kept photo")
    assert request(server, "GET", "/original/" + "f" * 64, headers=headers)[0] == 404
    # a link swapped in for the photo after the analysis: it would serve any file the user can read
    secret = tmp_path / "secret.txt"
    secret.write_bytes((library / "keep.jpg").read_bytes())  # even one with the same bytes
    (library / "keep.jpg").unlink()
    (library / "keep.jpg").symlink_to(secret)
    assert request(server, "GET", "/original/" + keeper["digest"], headers=headers)[0] == 404
    # the same size, other content
    (library / "copy.jpg").write_bytes(b"x" * copy["size"])
    assert request(server, "GET", "/original/" + copy["digest"], headers=headers)[0] == 404


def test_no_directory_listing_and_no_link_followed_out_of_the_results(served, tmp_path):
    server, results = served["server"], served["workdir"] / "results"
    (results / "thumbs").mkdir()
    assert request(server, "GET", "/thumbs/", headers=own_page_headers(server))[0] == 404
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the page")
    (results / "planted.html").symlink_to(secret)
    (results / "thumbs" / "folder").symlink_to(tmp_path)
    for path in ("/planted.html", "/thumbs/folder/secret.txt"):
        status, text, _ = request(server, "GET", path, headers=own_page_headers(server))
        assert status == 404 and "not for the page" not in text
    assert request(server, "GET", "/report.html", headers=own_page_headers(server))[0] == 200


def test_two_servers_on_one_machine_do_not_share_a_token(served):
    other = make_server(Path(served["workdir"]))
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        assert other.token != served["server"].token
        assert request(other, "GET", "/report.html", headers=own_page_headers(served["server"]))[0] == 403
    finally:
        other.shutdown()
        other.server_close()


def test_a_photo_swapped_for_a_folder_gets_404(served):
    server, library = served["server"], served["library"]
    keeper = served["members"][0]
    (library / "keep.jpg").unlink()
    (library / "keep.jpg").mkdir()
    assert request(server, "GET", "/original/" + keeper["digest"], headers=own_page_headers(server))[0] == 404


def test_a_page_that_never_saw_the_saved_decisions_cannot_save_over_them(served):
    """The hostile try: decisions saved from one window were wiped by Rerun from another (a page made
    before they were saved, with none of them): the server saves only over the file the page was
    made from or last saved (the mutant: no X-Decisions-Base check wipes them)."""
    server, workdir = served["server"], served["workdir"]
    target = workdir / "decisions.json"
    before = target.read_bytes() if target.exists() else None
    made_from = hashlib.sha256(before).hexdigest() if before is not None else "none"
    first = DECISIONS
    status, _, headers = post(
        server, "/decisions", json.dumps(first).encode(), own_page_headers(server, **{"X-Decisions-Base": made_from})
    )
    assert status == 200 and headers["X-Decisions-Base"] == hashlib.sha256(target.read_bytes()).hexdigest()
    saved = target.read_bytes()
    empty = {**DECISIONS, "decisions": []}
    stale = own_page_headers(server, **{"X-Decisions-Base": made_from})  # the other window's page
    status, text, _ = post(server, "/decisions", json.dumps(empty).encode(), stale)
    assert status == 409 and "reload the page" in text
    assert target.read_bytes() == saved
    current = own_page_headers(server, **{"X-Decisions-Base": headers["X-Decisions-Base"]})
    assert post(server, "/decisions", json.dumps(empty).encode(), current)[0] == 200  # its own undo


@pytest.mark.parametrize("port", ["80000", "-1", "http"])
def test_a_port_out_of_range_is_one_line_not_a_traceback(port, tmp_path, capsys):
    """The hostile try: --port 80000 ended in OverflowError's traceback. Mutant: --port read with
    type=int (the bind raises OverflowError, not OSError) -> the traceback is back."""
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "report.html").write_text("<html></html>")
    with pytest.raises(SystemExit) as stop:
        main(["--workdir", str(tmp_path), "--port", port])
    assert stop.value.code == 2
    assert "is not a port: give a number from 0 (any free one) to 65535" in capsys.readouterr().err


def test_a_missing_working_folder_is_named_as_missing(tmp_path, capsys):
    assert main(["--workdir", str(tmp_path / "nope")]) == 2
    assert "no such folder" in capsys.readouterr().err
