"""Free-text filters for list pages, and the folding that makes them ignore
accents and case on every database (SQLite's lower() knows only ASCII)."""

import re
import unicodedata

from sqlalchemy import ColumnElement

ESCAPE = "\\"


def contains(column, text: str) -> ColumnElement[bool]:
    """`column LIKE %text%`, with `%` and `_` in `text` matching only themselves."""
    escaped = text.replace(ESCAPE, ESCAPE * 2).replace("%", "\\%").replace("_", "\\_")
    return column.like(f"%{escaped}%", escape=ESCAPE)


def fold(text: str | None) -> str:
    """`text` lower-cased, accents and control characters (NUL) dropped, spaces
    collapsed: "  Juán  PÉREZ" is "juan perez". Stored folded and searched
    folded, so the database compares plain text and needs no collation or
    extension."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(
        char
        for char in decomposed
        if not unicodedata.combining(char) and unicodedata.category(char) not in ("Cc", "Cf")
    )
    return " ".join(bare.casefold().split())


def digits(text: str | None) -> str:
    """Only the digits of `text`: "+52 (55) 1234-5678" is "525512345678"."""
    return re.sub(r"\D", "", text or "")
