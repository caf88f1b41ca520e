"""The gym's own settings: one row, edited on the admin settings page."""

from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

DEFAULTS = {
    "gym_name": "Cupo Gym",
    "legal_name": "",
    "address": "",
    "timezone": "America/Mexico_City",
    "currency": "MXN",
    "default_language": "es",
    "tax_rate_bp": 1600,
    "booking_opens_hours": 168,
    "booking_closes_minutes": 30,
    "schedule_weeks_ahead": 8,
    "hold_minutes": 10,
    "priority_hold_minutes": 5,
    "full_refund_hours": 24,
    "partial_refund_hours": 12,
    "partial_refund_percent": 50,
    "strike_limit": 0,
    "strike_block_days": 7,
    "allow_overlapping_bookings": True,
    "checkin_opens_minutes": 60,
    "late_grace_minutes": 10,
    "self_checkin_enabled": True,
    "trainer_class_controls": True,
    "tax_id": "",
    "prices_include_tax": True,
    "invoice_series": "A",
    "credit_note_series": "NC",
    "renewal_grace_days": 5,
    "theme_colour": "#206bc4",
}


class GymSettings(db.Model):
    __tablename__ = "gym_settings"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("tax_rate_bp >= 0 AND tax_rate_bp <= 10000", name="tax_rate_range"),
        CheckConstraint("booking_opens_hours > 0", name="booking_opens_positive"),
        CheckConstraint("booking_closes_minutes >= 0", name="booking_closes_not_negative"),
        CheckConstraint("schedule_weeks_ahead BETWEEN 1 AND 52", name="schedule_weeks_ahead_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    gym_name: Mapped[str] = mapped_column(String(120), default=DEFAULTS["gym_name"])
    legal_name: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    #: IANA zone name; every wall-clock time of the gym is read in it
    timezone: Mapped[str] = mapped_column(String(64), default=DEFAULTS["timezone"])
    #: ISO 4217 code
    currency: Mapped[str] = mapped_column(String(3), default=DEFAULTS["currency"])
    default_language: Mapped[str] = mapped_column(String(5), default="es")
    #: tax rate in basis points: 1600 is 16 %
    tax_rate_bp: Mapped[int] = mapped_column(default=DEFAULTS["tax_rate_bp"])

    #: class types without their own window open for booking this many hours ahead
    booking_opens_hours: Mapped[int] = mapped_column(default=DEFAULTS["booking_opens_hours"])
    #: ... and close this many minutes before the class starts
    booking_closes_minutes: Mapped[int] = mapped_column(default=DEFAULTS["booking_closes_minutes"])
    #: how far ahead the timetable's sessions are generated
    schedule_weeks_ahead: Mapped[int] = mapped_column(default=DEFAULTS["schedule_weeks_ahead"])

    #: how long a spot is held for a member to confirm
    hold_minutes: Mapped[int] = mapped_column(default=DEFAULTS["hold_minutes"])
    #: how long the head of a waitlist has to take a freed spot
    priority_hold_minutes: Mapped[int] = mapped_column(default=DEFAULTS["priority_hold_minutes"])
    #: cancelling at least this many hours ahead refunds every credit
    full_refund_hours: Mapped[int] = mapped_column(default=DEFAULTS["full_refund_hours"])
    #: ... at least this many hours ahead refunds `partial_refund_percent`; later, nothing
    partial_refund_hours: Mapped[int] = mapped_column(default=DEFAULTS["partial_refund_hours"])
    partial_refund_percent: Mapped[int] = mapped_column(default=DEFAULTS["partial_refund_percent"])
    #: strikes (late cancels, no-shows) in 30 days that block booking; 0 turns it off
    strike_limit: Mapped[int] = mapped_column(default=DEFAULTS["strike_limit"])
    strike_block_days: Mapped[int] = mapped_column(default=DEFAULTS["strike_block_days"])
    #: a member may book classes that overlap (after a warning); off: refused
    allow_overlapping_bookings: Mapped[bool] = mapped_column(
        default=DEFAULTS["allow_overlapping_bookings"]
    )
    #: a booking's QR code starts working this many minutes before its class
    checkin_opens_minutes: Mapped[int] = mapped_column(default=DEFAULTS["checkin_opens_minutes"])
    #: a check-in later than this many minutes after the start is marked late
    late_grace_minutes: Mapped[int] = mapped_column(default=DEFAULTS["late_grace_minutes"])
    #: members may check themselves in by scanning the door code with the app
    self_checkin_enabled: Mapped[bool] = mapped_column(default=DEFAULTS["self_checkin_enabled"])
    #: trainers may reschedule and cancel their own classes from the portal
    trainer_class_controls: Mapped[bool] = mapped_column(default=DEFAULTS["trainer_class_controls"])
    #: the seller's tax id on invoices (RFC in Mexico)
    tax_id: Mapped[str] = mapped_column(String(20), default="")
    #: prices are entered with tax included (the tax is worked out of them)
    prices_include_tax: Mapped[bool] = mapped_column(default=DEFAULTS["prices_include_tax"])
    invoice_series: Mapped[str] = mapped_column(String(10), default=DEFAULTS["invoice_series"])
    credit_note_series: Mapped[str] = mapped_column(
        String(10), default=DEFAULTS["credit_note_series"]
    )
    #: days a membership stays past due (still booking) before it expires
    renewal_grace_days: Mapped[int] = mapped_column(default=DEFAULTS["renewal_grace_days"])
    #: the installed member app's colour (browser bar, splash screen): "#rrggbb", lower case
    theme_colour: Mapped[str] = mapped_column(String(7), default=DEFAULTS["theme_colour"])
    #: the gym's logo under UPLOAD_FOLDER ("logos/….png"); None: the app's icon
    logo_path: Mapped[str | None] = mapped_column(String(255))

    @property
    def tax_rate_percent(self) -> float:
        return self.tax_rate_bp / 100
