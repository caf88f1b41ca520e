"""Programs: the exercise library, workout programs and diet charts that
trainers write and assign, and the sets members log against them."""


def init_app(app) -> None:
    """Its tables."""
    from app.programs import models  # noqa: F401  (its tables)
