"""Counting SQL statements, for the bounded-queries rule of list pages."""

import contextlib

from sqlalchemy import event


@contextlib.contextmanager
def counting_statements(engine):
    """Collect every statement `engine` runs inside the block."""
    statements = []

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)
