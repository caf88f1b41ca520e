"""Bytes a member's browser downloads on a first visit of their home page.

    .venv/bin/python bench/first_visit.py [--path /app/] [--email member1@cupo.demo]
                                          [--accept-encoding gzip]

Loads the demo gym into a temporary SQLite database, signs the member in and
requests the page the way Chromium does (`Accept-Encoding: gzip, deflate,
br`, or what --accept-encoding says), then every stylesheet and script it links and every font those
stylesheets name (`url(...)` of a .woff2; the page uses the icon font).
Everything goes through the whole WSGI app (WhiteNoise included), as
gunicorn would serve it; there is no cache, as on a first visit.

Printed per file: bytes on the wire (compressed when the server compressed)
and bytes once decoded, the encoding and the Cache-Control; then the totals
per kind (html, css, js, font) and overall.
"""

import argparse
import gzip
import re
import sys
import tempfile
from pathlib import Path
from urllib.parse import urljoin

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ACCEPT = {"Accept-Language": "es"}


def _decoded(response) -> bytes:
    encoding = response.headers.get("Content-Encoding")
    if encoding == "gzip":
        return gzip.decompress(response.data)
    if encoding == "br":
        import brotli

        return brotli.decompress(response.data)
    return response.data


def _sign_in(client, email: str, password: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    data = {"email": email, "password": password}
    if token:
        data["csrf_token"] = token[1]
    response = client.post("/login", data=data)
    if response.status_code != 302:
        sys.exit(f"first_visit: sign-in as {email} failed ({response.status_code})")


def measure(path: str, email: str, encoding: str) -> list[tuple[str, str, int, int, str, str]]:
    from flask_migrate import upgrade

    from app import create_app
    from app.demo import DEMO_PASSWORD, seed_demo

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp}/bench.db")
        with app.app_context():
            upgrade(directory=app.extensions["migrate"].directory)
            seed_demo()
        client = app.test_client()
        _sign_in(client, email, DEMO_PASSWORD)

        def fetch(kind: str, url: str) -> bytes:
            response = client.get(url, headers={**ACCEPT, "Accept-Encoding": encoding})
            if response.status_code != 200:
                sys.exit(f"first_visit: {url} answered {response.status_code}")
            body = _decoded(response)
            rows.append(
                (
                    kind,
                    url,
                    len(response.data),
                    len(body),
                    response.headers.get("Content-Encoding", "-"),
                    response.headers.get("Cache-Control", "-"),
                )
            )
            return body

        html = fetch("html", path).decode()
        for href in re.findall(r'<link rel="stylesheet" href="([^"]+)"', html):
            css = fetch("css", href).decode()
            for font in re.findall(r"""url\(["']?([^"')]+\.woff2)[^)]*\)""", css):
                fetch("font", urljoin(href, font.split("?")[0]))
        for src in re.findall(r'<script[^>]* src="([^"]+)"', html):
            fetch("js", src)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--path", default="/app/")
    parser.add_argument("--email", default="member1@cupo.demo")
    parser.add_argument(
        "--accept-encoding", default="gzip, deflate, br", help="'gzip': an older browser"
    )
    args = parser.parse_args()
    rows = measure(args.path, args.email, args.accept_encoding)
    print(f"{'kind':5} {'wire':>9} {'decoded':>9} {'enc':4}  url  (cache-control)")
    for kind, url, wire, decoded, encoding, cache in rows:
        print(f"{kind:5} {wire:>9,} {decoded:>9,} {encoding:4}  {url}  ({cache})")
    print()
    for kind in ("html", "css", "js", "font"):
        wire = sum(r[2] for r in rows if r[0] == kind)
        decoded = sum(r[3] for r in rows if r[0] == kind)
        print(f"{kind:5} {wire / 1024:>8.1f} KiB on the wire, {decoded / 1024:>8.1f} KiB decoded")
    wire, decoded = sum(r[2] for r in rows), sum(r[3] for r in rows)
    print(f"total {wire / 1024:>8.1f} KiB on the wire, {decoded / 1024:>8.1f} KiB decoded")


if __name__ == "__main__":
    main()
