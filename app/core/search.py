"""Free-text filters for list pages."""

from sqlalchemy import ColumnElement

ESCAPE = "\\"


def contains(column, text: str) -> ColumnElement[bool]:
    """`column LIKE %text%`, with `%` and `_` in `text` matching only themselves."""
    escaped = text.replace(ESCAPE, ESCAPE * 2).replace("%", "\\%").replace("_", "\\_")
    return column.like(f"%{escaped}%", escape=ESCAPE)
