"""Rendered text is sent gzipped to clients that accept it (app/core/compress.py),
and everything gzip would break or not help is left as it is."""

import gzip
import re

import pytest
from flask import Response

from app.core.compress import MIN_SIZE, compress_response

GZIP = {"Accept-Encoding": "gzip, deflate, br"}
PAGE = "/schedule"  # public, over 1 KB, with a strong ETag


def test_a_page_is_gzipped_for_a_client_that_accepts_it(client):
    plain = client.get(PAGE)
    packed = client.get(PAGE, headers=GZIP)

    assert packed.status_code == 200
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert "Cookie" in packed.headers["Vary"]  # the view's own Vary is kept
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data) / 3
    assert _same_page(gzip.decompress(packed.data), plain.data)


def test_a_page_is_sent_plain_without_accept_encoding_but_still_varies_on_it(client):
    response = client.get(PAGE)

    assert "Content-Encoding" not in response.headers
    assert "Accept-Encoding" in response.headers["Vary"]
    assert b"</html>" in response.data


@pytest.mark.parametrize("accept", ["identity", "gzip;q=0", "br", ""])
def test_a_client_that_refuses_gzip_gets_the_page_plain(client, accept):
    response = client.get(PAGE, headers={"Accept-Encoding": accept})

    assert "Content-Encoding" not in response.headers
    assert b"</html>" in response.data


def test_a_small_answer_is_not_worth_compressing(client):
    response = client.get("/version", headers=GZIP)

    assert len(client.get("/version").data) < MIN_SIZE
    assert "Content-Encoding" not in response.headers


def test_a_compressed_page_gets_a_weak_etag_that_still_revalidates(client):
    strong = client.get(PAGE).headers["ETag"]
    packed = client.get(PAGE, headers=GZIP)

    assert packed.headers["ETag"] == f"W/{strong}"
    again = client.get(PAGE, headers={**GZIP, "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b"" and "Content-Encoding" not in again.headers


@pytest.mark.parametrize(
    "response",
    [
        pytest.param(Response(iter([b"x" * 4096]), mimetype="text/plain"), id="streamed"),
        pytest.param(
            Response(b"x" * 4096, mimetype="text/csv", direct_passthrough=True), id="file"
        ),
        pytest.param(
            Response(b"x" * 4096, mimetype="text/html", headers={"Content-Encoding": "br"}),
            id="already encoded",
        ),
        pytest.param(
            Response(b"x" * 4096, mimetype="text/html", headers={"Cache-Control": "no-transform"}),
            id="no-transform",
        ),
        pytest.param(Response(b"x" * 4096, status=206, mimetype="text/html"), id="partial"),
        pytest.param(Response(b"\x89PNG" * 1024, mimetype="image/png"), id="an image"),
    ],
)
def test_what_gzip_would_break_or_not_help_is_left_alone(app, response):
    with app.test_request_context(headers=GZIP):
        answered = compress_response(response)

    assert (
        "Content-Encoding" not in answered.headers or answered.headers["Content-Encoding"] == "br"
    )
    if not answered.is_streamed and not answered.direct_passthrough:
        assert answered.get_data()[:4] in (b"xxxx", b"\x89PNG")


def test_json_is_compressed_like_html(app):
    body = b'{"classes": [' + b'"yoga", ' * 500 + b'"box"]}'
    with app.test_request_context(headers=GZIP):
        answered = compress_response(Response(body, mimetype="application/json"))

    assert answered.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(answered.get_data()) == body


def _same_page(one: bytes, other: bytes) -> bool:
    """Two renders of the page are the same but for the CSRF token in them."""
    token = re.compile(rb'(csrf-token" content=|name="csrf_token" value=)"[^"]*"')
    return token.sub(b"", one) == token.sub(b"", other)
