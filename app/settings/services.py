"""Read and change the gym's settings."""

import logging
import re

from flask import current_app, g, has_app_context
from flask_babel import gettext as _
from sqlalchemy import inspect, text
from sqlalchemy.exc import SQLAlchemyError

from app.core import audit, uploads
from app.core.db import transaction
from app.core.errors import DomainError
from app.core.permissions import ADMIN, require_role
from app.extensions import db
from app.settings.models import DEFAULTS, GymSettings

log = logging.getLogger(__name__)

#: where an app keeps its copy of the settings row (see `_kept_or_read`)
_KEPT = "cupo.gym_settings.kept"

EDITABLE = [
    "gym_name",
    "legal_name",
    "address",
    "timezone",
    "currency",
    "default_language",
    "tax_rate_bp",
    "booking_opens_hours",
    "booking_closes_minutes",
    "schedule_weeks_ahead",
    "hold_minutes",
    "priority_hold_minutes",
    "full_refund_hours",
    "partial_refund_hours",
    "partial_refund_percent",
    "strike_limit",
    "strike_block_days",
    "allow_overlapping_bookings",
    "trainer_class_controls",
    "checkin_opens_minutes",
    "late_grace_minutes",
    "self_checkin_enabled",
    "tax_id",
    "prices_include_tax",
    "invoice_series",
    "credit_note_series",
    "renewal_grace_days",
    "theme_colour",
]

#: a colour as the settings keep it (and as `<input type="color">` sends it)
COLOUR = re.compile(r"#[0-9a-f]{6}")


class SettingsError(DomainError):
    """A settings value was refused."""


def gym_settings() -> GymSettings:
    """The settings row (defaults when none is saved), cached per request
    and, on PostgreSQL, kept per process while the row is unchanged.

    Never raises for an unreadable database: it logs and gives the defaults,
    so error pages still render. Writes nothing; queues nothing.
    """
    if has_app_context() and "gym_settings" in g:
        return g.gym_settings
    try:
        settings = _kept_or_read() or GymSettings(id=1, **DEFAULTS)
    except SQLAlchemyError:  # error pages must render even with the database down
        log.exception("gym settings unreadable; using defaults")
        db.session.rollback()
        settings = GymSettings(id=1, **DEFAULTS)
    if has_app_context():
        g.gym_settings = settings
    return settings


def _kept_or_read() -> GymSettings | None:
    """The saved row; on PostgreSQL a copy this process keeps, while the
    row's `xmin` (the transaction that last wrote it) is the one it was read
    at: one tiny statement instead of loading thirty columns on every request.

    Any write to the row, by this app or by hand, gives it a new `xmin`, so
    the copy is never staler than a fresh read. The copy belongs to no
    session and is shared by the process's threads: read it, never change it
    (`update_settings` and `_locked_settings` load the row itself to write).
    """
    if db.engine.dialect.name != "postgresql":
        return db.session.get(GymSettings, 1)
    stamp = db.session.scalar(text("SELECT xmin::text FROM gym_settings WHERE id = 1"))
    if stamp is None:  # no row saved: the defaults
        return None
    kept = current_app.extensions.get(_KEPT)
    if kept is not None and kept[0] == stamp:
        return kept[1]
    row = db.session.get(GymSettings, 1)
    if row is None:  # deleted since the stamp was read
        return None
    columns = inspect(GymSettings).column_attrs
    copy = GymSettings(**{column.key: getattr(row, column.key) for column in columns})
    current_app.extensions[_KEPT] = (stamp, copy)
    return copy


def update_settings(values: dict, *, actor) -> GymSettings:
    """Save new settings values; audited with before and after.

    Raises AccessDenied unless `actor` is an admin, SettingsError for a
    value the form could not check. Queues nothing.
    """
    require_role(actor, *ADMIN)
    if not 0 <= values.get("tax_rate_bp", 0) <= 10000:
        raise SettingsError(_("The tax rate must be between 0 and 100 %."), field="tax_rate")
    if "theme_colour" in values:
        colour = values["theme_colour"]
        if not isinstance(colour, str) or not COLOUR.fullmatch(colour.strip().lower()):
            raise SettingsError(_("Use a colour written like #1a2b3c."), field="theme_colour")
        values = {**values, "theme_colour": colour.strip().lower()}
    if values.get("partial_refund_hours", 0) > values.get("full_refund_hours", 0):
        raise SettingsError(
            _("The partial refund must start later than the full refund."),
            field="partial_refund_hours",
        )
    with transaction():
        settings = db.session.get(GymSettings, 1, with_for_update=True)
        if settings is None:
            settings = GymSettings(id=1, **DEFAULTS)
            db.session.add(settings)
        before = audit.changes(settings, EDITABLE)
        for name in EDITABLE:
            if name in values:
                setattr(settings, name, values[name])
        after = audit.changes(settings, EDITABLE)
        if before != after:
            audit.record("settings.updated", settings, actor=actor, before=before, after=after)
    g.pop("gym_settings", None)
    return settings


def _locked_settings() -> GymSettings:
    """The settings row, locked; made from the defaults when none is saved yet."""
    settings = db.session.get(GymSettings, 1, with_for_update=True, populate_existing=True)
    if settings is None:
        settings = GymSettings(id=1, **DEFAULTS)
        db.session.add(settings)
    return settings


def change_logo(upload, *, actor) -> GymSettings:
    """Replace the gym's logo with `upload`, stored as a PNG that fits 512×512.

    Raises AccessDenied unless `actor` is an admin, SettingsError (field
    "logo") for a bad file; nothing is written then. The old file is removed
    after commit. Queues nothing.
    """
    require_role(actor, *ADMIN)
    try:
        stored = uploads.store_logo(upload)
    except uploads.UploadError as exc:
        raise SettingsError(str(exc), field="logo") from exc

    def write() -> str | None:
        with transaction():
            settings = _locked_settings()
            old = settings.logo_path
            settings.logo_path = stored.path
            audit.record(
                "settings.logo_changed",
                settings,
                actor=actor,
                before={"logo_path": old},
                after={"logo_path": stored.path},
            )
        return old

    uploads.swap_in(stored, write, delete=uploads.delete_logo)
    g.pop("gym_settings", None)
    return gym_settings()


def remove_logo(*, actor) -> GymSettings:
    """Go back to the app's icon; without a logo, nothing changes.

    Raises AccessDenied unless `actor` is an admin. The file is removed
    after commit. Queues nothing.
    """
    require_role(actor, *ADMIN)
    with transaction():
        settings = _locked_settings()
        old = settings.logo_path
        if old is not None:
            settings.logo_path = None
            audit.record(
                "settings.logo_removed",
                settings,
                actor=actor,
                before={"logo_path": old},
                after={"logo_path": None},
            )
    uploads.delete_logo(old)
    g.pop("gym_settings", None)
    return settings
