"""Static files: content-hashed names, gzip and brotli variants, WhiteNoise.

At start-up `build()` copies `static/` into a generated, git-ignored folder
(`STATIC_BUILD_DIR`, `instance/static-build` by default) under two names,
`css/app.css` and `css/app.<hash>.css`, with `.gz` and `.br` variants of
every file worth compressing. Work is skipped for what is already there
(the hashed names are content-addressed), so only the first start after a
change pays for brotli. Writes are atomic, so gunicorn workers starting
together cannot see half a file.

`url_for('static', filename=...)` then answers the hashed name; WhiteNoise
serves it with a one-year `immutable` lifetime, and the plain name (bookmarks,
old pages) with a short one. Stylesheets' relative `url(...)` references are
rewritten to hashed names first, so a font is as cacheable as its CSS.

Files of earlier versions are kept: a page rendered by the previous release
(another worker mid-deploy, a browser's cached page) still finds the
stylesheet it names. Deleting the folder is safe; the next start rebuilds it.

Static responses never reach Flask's `after_request`: the basic security
headers (nosniff...) are added here through `add_basic_headers`, and the
signed-in `no-store` of `app/core/headers.py` never applies.
"""

import hashlib
import os
import posixpath
import re
import tempfile
from pathlib import Path

import brotli
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

from app.core.headers import add_basic_headers

#: one year: the longest lifetime caches honour, for names that never change
ONE_YEAR = 365 * 24 * 60 * 60
#: a plain (unhashed) name may change with the next deploy
SHORT_MAX_AGE = 60
_CSS_URL = re.compile(r"""url\(\s*(["']?)([^"')]+)\1\s*\)""")


class StaticFiles(WhiteNoise):
    FOREVER = ONE_YEAR


def init_app(app) -> None:
    """Build the static folder and serve it through WhiteNoise in front of Flask."""
    source = Path(app.static_folder)
    target = Path(app.config["STATIC_BUILD_DIR"])
    manifest = build(source, target)
    hashed = {"/static/" + name for name in manifest.values()}
    hsts = app.config.get("HSTS")

    def add_headers(headers, path, url):
        add_basic_headers(headers, hsts)

    app.wsgi_app = StaticFiles(
        app.wsgi_app,
        root=str(target),
        prefix="static/",
        max_age=SHORT_MAX_AGE,
        immutable_file_test=lambda path, url: url in hashed,
        add_headers_function=add_headers,
        allow_all_origins=False,
    )
    app.extensions["static_manifest"] = manifest

    @app.url_defaults
    def hashed_static_names(endpoint, values):
        if endpoint == "static" and values.get("filename") in manifest:
            values["filename"] = manifest[values["filename"]]


def build(source: Path, target: Path) -> dict[str, str]:
    """Copy `source` into `target` with hashed names and compressed variants.

    Returns the manifest: plain name → hashed name (both relative, `/`-separated).
    """
    compressor = Compressor(quiet=True)
    manifest: dict[str, str] = {}
    names = sorted(p.relative_to(source).as_posix() for p in source.rglob("*") if p.is_file())
    # stylesheets last: they name the hashed fonts and images they use
    for name in sorted(names, key=lambda n: n.endswith(".css")):
        data = (source / name).read_bytes()
        if name.endswith(".css"):
            data = _rewrite_css_urls(data, name, manifest)
        hashed = _hashed_name(name, data)
        manifest[name] = hashed
        _publish(target, name, hashed, data, compressor.should_compress(name))
    return manifest


def _hashed_name(name: str, data: bytes) -> str:
    digest = hashlib.md5(data, usedforsecurity=False).hexdigest()[:12]
    stem, dot, ext = name.rpartition(".")
    if not dot or "/" in ext:
        return f"{name}.{digest}"
    return f"{stem}.{digest}.{ext}"


def _rewrite_css_urls(data: bytes, name: str, manifest: dict[str, str]) -> bytes:
    """`url(./fonts/x.woff2?v=1)` → `url(./fonts/x.<hash>.woff2)` for files we have."""
    folder = posixpath.dirname(name)

    def swap(match):
        quote, ref = match.group(1), match.group(2)
        path = ref.split("?", 1)[0].split("#", 1)[0]
        if ":" in path or path.startswith("/"):
            return match.group(0)  # data:, https:, absolute: left alone
        target = posixpath.normpath(posixpath.join(folder, path))
        if target not in manifest:
            return match.group(0)
        new = posixpath.relpath(manifest[target], folder or ".")
        return f"url({quote}{new}{quote})"

    return _CSS_URL.sub(swap, data.decode("utf-8")).encode("utf-8")


def _publish(target: Path, name: str, hashed: str, data: bytes, compress: bool) -> None:
    """Write the hashed file and the plain one, each with its .br/.gz, unless
    they already hold `data`; the plain one reuses the hashed one's variants."""
    hashed_path, plain_path = target / hashed, target / name
    spool = target.with_name(target.name + ".tmp")
    if not _holds(hashed_path, data):
        variants = {}
        if compress:
            packed = {".br": brotli.compress(data), ".gz": Compressor.compress_gzip(data)}
            # as WhiteNoise judges it: a variant must save at least 5%
            variants = {k: v for k, v in packed.items() if len(v) <= 0.95 * len(data)}
        _write(hashed_path, data, variants, spool)
    if not _holds(plain_path, data):
        variants = {
            suffix: _variant(hashed_path, suffix).read_bytes()
            for suffix in (".br", ".gz")
            if _variant(hashed_path, suffix).is_file()
        }
        _write(plain_path, data, variants, spool)


def _variant(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _holds(path: Path, data: bytes) -> bool:
    return path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data


def _write(path: Path, data: bytes, variants: dict[str, bytes], spool: Path) -> None:
    """Variants first, the file last: a stale .br never outlives its file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in (".br", ".gz"):
        if suffix in variants:
            _atomic_write(_variant(path, suffix), variants[suffix], spool)
        else:
            _variant(path, suffix).unlink(missing_ok=True)
    _atomic_write(path, data, spool)


def _atomic_write(path: Path, data: bytes, spool: Path) -> None:
    """Write in `spool` (beside the build folder: WhiteNoise lists everything
    inside it), then rename into place."""
    spool.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=spool)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
