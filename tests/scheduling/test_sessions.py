"""Single sessions: one-offs, edits, state by the clock, reschedule and cancel."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.core import signals
from app.core.audit import AuditEntry
from app.notifications.models import SentEmail
from app.scheduling.models import ClassSession, SessionState, SessionStatus
from app.scheduling.rules import SchedulingError, booking_window
from app.scheduling.services.sessions import (
    cancel_session,
    create_session,
    reschedule_session,
    update_session,
)
from tests.tools import swap_receivers

NOW = datetime(2026, 12, 1, 15, tzinfo=UTC)
LATER = NOW + timedelta(days=2)


@pytest.fixture
def one_off(schedule, clock, app_ctx):
    clock(NOW)

    def make(**values):
        class_type = values.pop("class_type", None) or schedule.class_type(
            default_trainer_id=schedule.trainer().id, default_room_id=schedule.room().id
        )
        values.setdefault("starts_at", LATER)
        return create_session(dict(values, class_type_id=class_type.id), actor=schedule.admin())

    return make


def test_one_off_takes_trainer_room_size_and_length_from_its_type(one_off, db):
    cs = one_off()
    assert (cs.trainer_id, cs.room_id) == (
        cs.class_type.default_trainer_id,
        cs.class_type.default_room_id,
    )
    assert cs.capacity == 12 and cs.ends_at == LATER + timedelta(minutes=60)
    assert cs.status is SessionStatus.PUBLISHED and cs.timetable_entry_id is None
    assert cs.occurs_on == LATER.astimezone(cs.starts_at.tzinfo).date()


def test_state_follows_the_clock(one_off, clock):
    cs = one_off()
    assert cs.state is SessionState.PUBLISHED
    clock(LATER + timedelta(minutes=10))
    assert cs.state is SessionState.IN_PROGRESS
    clock(LATER + timedelta(minutes=60))
    assert cs.state is SessionState.COMPLETED


def test_draft_stays_draft_whatever_the_time(one_off, clock):
    cs = one_off(status=SessionStatus.DRAFT)
    clock(LATER + timedelta(hours=3))
    assert cs.state is SessionState.DRAFT


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"ends_at": LATER - timedelta(minutes=1)}, "ends_at", "The end must be after the start."),
        ({"starts_at": NOW - timedelta(hours=1)}, "starts_at", "Choose a start in the future."),
        ({"capacity": 0}, "capacity", "Capacity must be at least 1."),
        ({"capacity": 500}, "capacity", "holds at most 20 people."),
        ({"trainer_id": 424242}, "trainer_id", "Choose an active trainer."),
        ({"room_id": 424242}, "room_id", "Choose an active room."),
    ],
)
def test_bad_session_values_are_refused_on_their_field(one_off, db, values, field, message):
    with pytest.raises(SchedulingError) as refused:
        one_off(**values)
    assert refused.value.field == field and message in str(refused.value)
    assert db.session.scalars(select(ClassSession)).all() == []


def test_overlapping_one_off_is_refused_naming_the_other(one_off, schedule):
    first = one_off()
    with pytest.raises(SchedulingError) as refused:
        one_off(class_type=first.class_type, starts_at=LATER + timedelta(minutes=30))
    assert f"already teaches {first.class_type.name}" in str(refused.value)


def test_back_to_back_sessions_do_not_overlap(one_off):
    first = one_off()
    second = one_off(class_type=first.class_type, starts_at=first.ends_at)
    assert second.starts_at == first.ends_at


def test_editing_a_session_marks_it_changed_by_hand(one_off, schedule, db):
    cs = one_off()
    update_session(
        cs.id,
        {
            "starts_at": cs.starts_at,
            "capacity": 8,
            "trainer_id": cs.trainer_id,
            "room_id": cs.room_id,
        },
        actor=schedule.admin(),
    )
    saved = db.session.get(ClassSession, cs.id)
    assert saved.capacity == 8 and saved.is_customised


def test_capacity_cannot_drop_below_the_people_in_it(one_off, schedule, monkeypatch):
    cs = one_off()
    swap_receivers(monkeypatch, signals.spots_taken, lambda ids: {cs.id: 9})
    with pytest.raises(SchedulingError) as refused:
        update_session(
            cs.id,
            {
                "starts_at": cs.starts_at,
                "capacity": 5,
                "trainer_id": cs.trainer_id,
                "room_id": cs.room_id,
            },
            actor=schedule.admin(),
        )
    assert str(refused.value) == "9 people are already in this class."


def test_cancel_records_the_reason_runs_handlers_and_emails_everyone(
    one_off, schedule, db, factories, monkeypatch, outbox
):
    cs = one_off()
    ana, ben = factories.member(name="Ana"), factories.member(name="Ben")
    handled = []
    swap_receivers(monkeypatch, signals.people_on_session, lambda s: [ana, ben], lambda s: [ana])
    swap_receivers(monkeypatch, signals.session_changed, lambda s, change: handled.append(change))

    cancel_session(cs.id, "  Trainer is ill  ", actor=schedule.admin())

    saved = db.session.get(ClassSession, cs.id)
    assert (saved.status, saved.cancel_reason) == (SessionStatus.CANCELLED, "Trainer is ill")
    assert saved.state is SessionState.CANCELLED and handled == ["cancelled"]
    trainer = saved.trainer.user.email  # the trainer hears too (trainer_session_changed)
    assert sorted(m.recipients[0] for m in outbox) == sorted([ana.email, ben.email, trainer])
    assert all("Trainer is ill" in m.body for m in outbox)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "session.cancelled"))
    assert entry.after == {"reason": "Trainer is ill"}


def test_cancel_without_a_reason_changes_nothing(one_off, schedule, db):
    cs = one_off()
    with pytest.raises(SchedulingError) as refused:
        cancel_session(cs.id, "   ", actor=schedule.admin())
    assert refused.value.field == "reason"
    assert db.session.get(ClassSession, cs.id).status is SessionStatus.PUBLISHED


def test_cancelled_session_cannot_be_cancelled_again(one_off, schedule):
    cs = one_off()
    cancel_session(cs.id, "Flooded", actor=schedule.admin())
    with pytest.raises(SchedulingError, match="was cancelled"):
        cancel_session(cs.id, "Again", actor=schedule.admin())


def test_reschedule_moves_the_session_and_tells_people(
    one_off, schedule, db, factories, monkeypatch, outbox
):
    cs = one_off()
    member = factories.member(name="Sofía", language="es")
    swap_receivers(monkeypatch, signals.people_on_session, lambda s: [member])
    new_start = LATER + timedelta(days=1)

    reschedule_session(cs.id, new_start, "Room repairs", actor=schedule.admin())

    saved = db.session.get(ClassSession, cs.id)
    assert (saved.starts_at, saved.ends_at) == (new_start, new_start + timedelta(minutes=60))
    [message] = [m for m in outbox if m.recipients == [member.email]]
    assert "Room repairs" in message.body
    email = db.session.scalar(select(SentEmail).where(SentEmail.to == member.email))
    assert email.template == "session_rescheduled" and email.language == "es"


def test_booking_window_uses_the_type_or_the_gym_default(one_off, schedule):
    cs = one_off()
    opens, closes = booking_window(cs)
    assert (cs.starts_at - opens, cs.starts_at - closes) == (
        timedelta(hours=168),
        timedelta(minutes=30),
    )
    cs.class_type.booking_opens_hours, cs.class_type.booking_closes_minutes = 24, 0
    assert booking_window(cs) == (cs.starts_at - timedelta(hours=24), cs.starts_at)
