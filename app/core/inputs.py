"""What a client sends, bounded before any service sees it.

Ids, page numbers and text come from URLs, query strings and forms; a
value the database cannot hold (an id past PostgreSQL's integer, a page
whose OFFSET overflows bigint, a NUL byte in text) is the client's
mistake, so it is answered here (a 404, a clamped page, the NUL dropped),
never by a database error and a 500.

- `<int:…>` in every route is `IdConverter`: values past MAX_ID are a 404;
- `arg_id(name)` reads an id from the query string, `page_arg()` a page;
- `parse_id(text)` is the one strict parse of an id typed as text (ASCII
  digits only: "²" is a digit to `str.isdigit()`, not to `int()`);
- `Request` drops NUL bytes from every query string and form as it is
  parsed; a path with a NUL byte is a 404.
"""

import re

import flask
from flask import abort, request
from werkzeug.datastructures import FileStorage, ImmutableMultiDict
from werkzeug.routing import IntegerConverter

#: the largest id an id column (PostgreSQL `integer`) holds
MAX_ID = 2**31 - 1
#: pages past this are refused (an OFFSET that large is a typo or a probe)
MAX_PAGE = 10_000
_DIGITS = re.compile(r"[0-9]{1,10}")
_ALL_DIGITS = re.compile(r"[0-9]+")


def parse_id(value) -> int | None:
    """An id from text (or an int): ASCII digits, at most MAX_ID; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value <= MAX_ID else None
    text = value.strip() if isinstance(value, str) else ""
    if not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if number <= MAX_ID else None


def arg_id(name: str) -> int | None:
    """The id in the query string's `name`, or None if absent or not an id."""
    return parse_id(request.args.get(name))


def page_number(value) -> int:
    """A page number within [1, MAX_PAGE]: past the last is the last (an
    empty page), anything unreadable ("", "x", "²") is page 1."""
    if isinstance(value, str):
        text = value.strip()
        if not _ALL_DIGITS.fullmatch(text):
            return 1
        value = MAX_PAGE if len(text) > len(str(MAX_PAGE)) else int(text)
    if not isinstance(value, int) or isinstance(value, bool):
        return 1
    return min(max(value, 1), MAX_PAGE)


def page_arg(name: str = "page") -> int:
    """The page the query string asks for, bounded by `page_number`."""
    return page_number(request.args.get(name))


class IdConverter(IntegerConverter):
    """Flask's `int` converter, bounded to what an id column holds.

    Registered as "int", so every `<int:…>` route gets it: a larger value
    matches no route (404) instead of reaching the database. Its other
    arguments (`min`, `signed`, `fixed_digits`) work as the built-in's.
    """

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def _without_nul(value):
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, FileStorage) and value.filename:
        value.filename = value.filename.replace("\x00", "")
    return value


class _FieldsWithoutNul(ImmutableMultiDict):
    """A query string's or form's fields, NUL bytes taken out of every name
    and value (and uploaded file name) as they are parsed."""

    def __init__(self, mapping=None):
        if isinstance(mapping, list):  # how werkzeug's parsers hand over fields
            mapping = [(_without_nul(key), _without_nul(value)) for key, value in mapping]
        super().__init__(mapping)


class Request(flask.Request):
    """Flask's request, whose `args`, `form` and `files` never hold a NUL byte.

    PostgreSQL refuses NUL in text and no one types it: it is dropped once,
    here, so every form and filter sees the rest of what was sent and answers
    as it would (a field error, a red card), and no service meets a NUL.
    """

    parameter_storage_class = _FieldsWithoutNul


def refuse_nul_in_path() -> None:
    """Before every request: a path with a NUL byte names nothing (404), and
    its `<token>` or `<name>` part never reaches the database."""
    if "\x00" in request.path:
        abort(404)


def init_app(app) -> None:
    """Install the bounded `int` converter (before any blueprint adds its
    rules), the request that drops NUL bytes, and the NUL-in-path guard."""
    app.url_map.converters["int"] = IdConverter
    app.request_class = Request
    app.before_request(refuse_nul_in_path)
