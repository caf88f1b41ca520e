"""Gzip for the text the app renders, when the client accepts it.

A week of classes is about 70 KB of HTML and 7 KB gzipped; on a phone in a
gym's basement that is the difference that matters. Static files are
compressed ahead of time and served by WhiteNoise (app/core/assets.py), so
this only sees what views make. Left alone:

- clients that do not send `Accept-Encoding: gzip` (or send it with q=0);
- bodies under `MIN_SIZE` (gzip's header and the CPU cost more than they
  save), responses without a body (204, 304) and partial content (206);
  a HEAD is answered as its GET would be, compressed alike;
- streamed responses and files (`direct_passthrough`: PDFs, images, which are
  compressed already or sent from disk), anything already encoded, and
  responses marked `Cache-Control: no-transform`;
- types that are not text (images, PDFs, spreadsheets).

Every response of a compressible type says `Vary: Accept-Encoding`, compressed
or not, so no cache hands gzip to a client that cannot read it. A strong
ETag becomes weak once compressed, as nginx does: the bytes differ from the
identity representation, the content does not, and `If-None-Match` is a weak
comparison (the public timetable matches it with `contains_weak`).
"""

import gzip

from flask import request

#: below this many bytes a body is sent as it is
MIN_SIZE = 1024
#: zlib's level 5: within a few percent of 9's size at a fraction of its CPU
LEVEL = 5
TEXT_TYPES = frozenset(
    {
        "application/javascript",
        "application/json",
        "application/manifest+json",
        "application/xml",
        "image/svg+xml",
    }
)
SKIPPED_STATUSES = frozenset({204, 206, 304})


def init_app(app) -> None:
    app.after_request(compress_response)


def compress_response(response):
    """Gzip `response` in place when it and the request allow it (see above)."""
    if not _is_text(response.mimetype):
        return response
    response.vary.add("Accept-Encoding")
    if not _compressible(response) or not _accepts_gzip():
        return response
    body = response.get_data()
    if len(body) < MIN_SIZE:
        return response
    response.set_data(gzip.compress(body, compresslevel=LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag and not weak:
        response.set_etag(etag, weak=True)
    return response


def _is_text(mimetype: str | None) -> bool:
    return bool(mimetype) and (mimetype.startswith("text/") or mimetype in TEXT_TYPES)


def _compressible(response) -> bool:
    return not (
        response.status_code in SKIPPED_STATUSES
        or response.status_code < 200
        or response.direct_passthrough
        or response.is_streamed
        or "Content-Encoding" in response.headers
        or response.cache_control.no_transform
    )


def _accepts_gzip() -> bool:
    return request.accept_encodings["gzip"] > 0
