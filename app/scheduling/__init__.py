"""Scheduling: rooms, class types, the recurring timetable and class sessions."""


def init_app(app) -> None:
    """Its tables; it only sends signals (see `spots.py`), it connects none."""
    from app.scheduling import models  # noqa: F401  (its tables)
