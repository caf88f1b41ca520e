"""Programs tables: exercises, programs and their lines, assignments, logs,
diet charts."""

from app.extensions import db  # noqa: F401
