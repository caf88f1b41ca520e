"""Staff: trainers' availability and 1:1 slots, leave with approval and
cover, and pay statements."""


def init_app(app) -> None:
    """Its tables, signal receivers and hooks, one block per part."""
    from app.staff import models  # noqa: F401  (its tables)

    # -- availability and 1:1 slots ------------------------------------------

    # -- leave, approval and cover -------------------------------------------

    # -- pay -----------------------------------------------------------------
