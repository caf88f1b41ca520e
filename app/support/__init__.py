"""Support: members' tickets to the gym, answered by staff with replies
and internal notes the member never sees."""


def init_app(app) -> None:
    """Its tables."""
    from app.support import models  # noqa: F401  (its tables)
