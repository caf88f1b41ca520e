"""Static files (app/core/assets.py): content-hashed URLs cached for a year,
gzip and brotli bodies, plain URLs still served with a short lifetime."""

import gzip
import http.client
import os
import re
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import brotli
import pytest
from flask import url_for

from app.config import ROOT
from app.core.assets import build

STYLESHEET = "css/app.css"
ICONS = "vendor/tabler-icons/tabler-icons.min.css"


def _source(app, name: str) -> bytes:
    with open(f"{app.static_folder}/{name}", "rb") as f:
        return f.read()


def _hashed_url(app, name: str) -> str:
    with app.test_request_context():
        return url_for("static", filename=name)


def _max_age(response) -> int:
    return _max_age_of(response.headers["Cache-Control"])


def _max_age_of(cache_control: str) -> int:
    return int(re.search(r"max-age=(\d+)", cache_control)[1])


def test_url_for_static_answers_a_content_hashed_name(app):
    url = _hashed_url(app, STYLESHEET)
    assert re.fullmatch(r"/static/css/app\.[0-9a-f]{12}\.css", url)
    with app.test_request_context():  # unknown files keep their name
        assert url_for("static", filename="css/none.css") == "/static/css/none.css"


@pytest.mark.parametrize(
    ("encoding", "decompress"), [("gzip", gzip.decompress), ("br", brotli.decompress)]
)
def test_hashed_stylesheet_is_compressed_and_cached_for_a_year(app, client, encoding, decompress):
    response = client.get(_hashed_url(app, STYLESHEET), headers={"Accept-Encoding": encoding})

    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == encoding
    assert response.headers["Content-Type"].startswith("text/css")
    assert decompress(response.data) == _source(app, STYLESHEET)
    assert "immutable" in response.headers["Cache-Control"]
    assert "public" in response.headers["Cache-Control"]
    assert _max_age(response) >= 365 * 24 * 3600
    assert response.headers["Vary"] == "Accept-Encoding"


def test_without_accept_encoding_the_body_is_plain(app, client):
    response = client.get(_hashed_url(app, STYLESHEET), headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in response.headers
    assert response.data == _source(app, STYLESHEET)


def test_plain_name_still_works_with_a_short_lifetime(app, client):
    response = client.get("/static/" + STYLESHEET, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert gzip.decompress(response.data) == _source(app, STYLESHEET)
    assert "immutable" not in response.headers["Cache-Control"]
    assert _max_age(response) <= 3600


def test_the_icon_font_is_named_by_its_hash_inside_the_hashed_stylesheet(app, client):
    css = client.get(_hashed_url(app, ICONS)).data.decode()
    [font] = re.findall(r'url\("?([^")]+)"?\)', css)
    assert re.fullmatch(r"fonts/tabler-icons\.[0-9a-f]{12}\.woff2", font)
    response = client.get(_hashed_url(app, ICONS).rsplit("/", 1)[0] + "/" + font)
    assert response.status_code == 200 and response.headers["Content-Type"] == "font/woff2"
    assert "Content-Encoding" not in response.headers  # woff2 is compressed already
    assert _max_age(response) >= 365 * 24 * 3600


def test_static_files_keep_nosniff_and_are_not_no_store_when_signed_in(
    app, client, login, factories
):
    login(factories.member())
    response = client.get(_hashed_url(app, STYLESHEET))
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" not in response.headers["Cache-Control"]
    assert client.get("/app/profile").headers["Cache-Control"] == "private, no-store"


def test_a_missing_static_file_is_a_404(client):
    assert client.get("/static/css/none.css").status_code == 404
    assert client.get("/static/css/app.000000000000.css").status_code == 404


def test_build_follows_changes_and_drops_stale_variants(tmp_path):
    source, target = tmp_path / "static", tmp_path / "build"
    (source / "css").mkdir(parents=True)
    (source / "css" / "a.css").write_text("body { color: red; }\n" * 200)
    (source / "logo.svg").write_text("<svg/>")  # too small to be worth compressing
    first = build(source, target)

    assert (target / first["css/a.css"]).read_text() == (source / "css/a.css").read_text()
    assert (target / (first["css/a.css"] + ".br")).is_file()
    assert (target / "css/a.css.gz").is_file()
    assert not (target / "logo.svg.gz").exists()

    (source / "css" / "a.css").write_text("b{}")  # now too small to compress
    second = build(source, target)
    assert second["css/a.css"] != first["css/a.css"]
    assert (target / "css/a.css").read_text() == "b{}"
    assert not (target / "css/a.css.gz").exists() and not (target / "css/a.css.br").exists()
    assert not list(target.parent.glob("build.tmp/*"))  # no half-written file left over


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, encoding: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", path, headers={"Accept-Encoding": encoding})
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def test_gunicorn_alone_serves_the_stylesheet_compressed_and_cached(app):
    """As `Procfile` runs it: gunicorn with its config, no web server in
    front; asked as `curl -H 'Accept-Encoding: gzip'` would."""
    port = _free_port()
    env = {
        **os.environ,
        "CUPO_ENV": "testing",
        "STATIC_BUILD_DIR": app.config["STATIC_BUILD_DIR"],
        "WEB_CONCURRENCY": "2",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "gunicorn.conf.py",  # the Procfile's settings, its worker class included
            "wsgi:app",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    hashed = "/static/" + app.extensions["static_manifest"][STYLESHEET]
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = _get(port, hashed, "gzip")
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        responses = [response] + [_get(port, hashed, "gzip") for _ in range(5)]
    finally:
        server.terminate()
        server.wait(timeout=20)

    for response in responses:  # whichever worker answered
        assert response.status == 200
        assert response.getheader("Content-Encoding") == "gzip"
        assert gzip.decompress(response.body) == _source(app, STYLESHEET)
        assert _max_age_of(response.getheader("Cache-Control")) >= 365 * 24 * 3600
        assert response.getheader("X-Content-Type-Options") == "nosniff"


def test_workers_building_at_once_leave_whole_files(tmp_path):
    source, target = tmp_path / "static", tmp_path / "build"
    source.mkdir()
    for i in range(20):
        (source / f"f{i}.js").write_text(f"var x{i} = 1;\n" * 500)
    with ThreadPoolExecutor(4) as pool:
        manifests = list(pool.map(lambda _: build(source, target), range(4)))

    assert all(m == manifests[0] for m in manifests)
    for name, hashed in manifests[0].items():
        data = (source / name).read_bytes()
        assert (target / name).read_bytes() == (target / hashed).read_bytes() == data
        assert gzip.decompress((target / (hashed + ".gz")).read_bytes()) == data
        assert brotli.decompress((target / (name + ".br")).read_bytes()) == data


def test_production_static_files_carry_hsts_and_the_policy(production_app):
    production = production_app()
    with production.test_request_context():
        url = url_for("static", filename=STYLESHEET)
    headers = production.test_client().get(url).headers
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Content-Security-Policy-Report-Only" in headers
    assert "immutable" in headers["Cache-Control"]
