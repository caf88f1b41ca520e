"""Gym-wide settings that staff edit: name, address, zone, money, language."""


def init_app(app) -> None:
    """Its table; the kernel reads the gym's language, zone and currency here."""
    from app.core.i18n import provide_gym_settings
    from app.settings import models  # noqa: F401  (its tables)
    from app.settings.services import gym_settings

    provide_gym_settings(app, gym_settings)
