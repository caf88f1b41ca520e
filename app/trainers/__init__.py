"""Trainers: profiles, specialties, certifications and rates."""


def init_app(app) -> None:
    """Its tables."""
    from app.trainers import models  # noqa: F401  (its tables)
