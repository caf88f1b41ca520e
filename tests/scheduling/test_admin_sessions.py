"""Back office: one-off sessions, edits, reschedules and cancellations through
their forms; the session list, its filters and its query count."""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from app.core import signals
from app.core.audit import AuditEntry
from app.notifications.models import SentEmail
from app.scheduling.models import ClassSession, SessionStatus
from app.trainers.models import Trainer
from tests.accounts.support import field_error, flashes, fresh, page_text
from tests.conftest import post_form
from tests.scheduling import admin_support
from tests.scheduling.admin_support import NOW, add_session, count, form_error_text, local
from tests.tools import swap_receivers

#: fixtures shared by the back-office scheduling tests
admin = admin_support.admin
as_admin = admin_support.as_admin
as_desk = admin_support.as_desk
now = admin_support.now


NEW = "/admin/sessions/new"
THURSDAY = date(2026, 12, 3)


@pytest.fixture
def parties(schedule):
    trainer = schedule.trainer(name="Carla Méndez")
    room = schedule.room(name="Studio A", capacity=20)
    class_type = schedule.class_type(
        name="Spin", default_trainer_id=trainer.id, default_room_id=room.id, default_capacity=12
    )
    return {"class_type": class_type, "trainer": trainer, "room": room}


@pytest.fixture
def upcoming(db, parties, now):
    """A published session on Thursday 18:00 local, nobody in it yet."""
    return add_session(
        db, parties["class_type"], parties["trainer"], parties["room"], local(THURSDAY, time(18))
    )


def session_form(parties, **overrides) -> dict:
    data = {
        "class_type_id": str(parties["class_type"].id),
        "day": "2026-12-03",
        "starts_at": "18:00",
        "ends_at": "",
        "trainer_id": "",
        "room_id": "",
        "capacity": "",
        "status": "published",
    }
    data.update(overrides)
    return data


def edit_form(cs, **overrides) -> dict:
    data = {
        "day": "2026-12-03",
        "starts_at": "18:00",
        "ends_at": "19:00",
        "trainer_id": str(cs.trainer_id),
        "room_id": str(cs.room_id),
        "capacity": str(cs.capacity),
        "status": "published",
        "reason": "",
    }
    data.update(overrides)
    return data


def _only_session(db):
    return db.session.scalar(select(ClassSession).execution_options(populate_existing=True))


# ---- one-offs ----------------------------------------------------------------


def test_create_one_off_takes_the_class_types_defaults_for_blank_fields(as_admin, db, parties):
    response = post_form(as_admin, NEW, session_form(parties))

    cs = _only_session(db)
    assert response.status_code == 302
    assert response.location == f"/admin/sessions/{cs.id}"
    assert cs.starts_at == local(THURSDAY, time(18)) == NOW + timedelta(days=2, hours=9)
    assert cs.ends_at - cs.starts_at == timedelta(minutes=60)
    assert (cs.trainer_id, cs.room_id, cs.capacity) == (
        parties["trainer"].id,
        parties["room"].id,
        12,
    )
    assert (cs.status, cs.occurs_on, cs.timetable_entry_id) == (
        SessionStatus.PUBLISHED,
        THURSDAY,
        None,
    )
    assert "Class scheduled." in flashes(as_admin.get(response.location))


def test_create_one_off_keeps_what_the_admin_chose(as_admin, db, parties, schedule):
    trainer, room = schedule.trainer(name="Leo Ruiz"), schedule.room(name="Hall", capacity=40)

    post_form(
        as_admin,
        NEW,
        session_form(
            parties,
            ends_at="19:30",
            trainer_id=str(trainer.id),
            room_id=str(room.id),
            capacity="30",
            status="draft",
        ),
    )

    cs = _only_session(db)
    assert cs.ends_at == local(THURSDAY, time(19, 30))
    assert (cs.trainer_id, cs.room_id, cs.capacity, cs.status) == (
        trainer.id,
        room.id,
        30,
        SessionStatus.DRAFT,
    )


def test_new_session_form_starts_on_the_day_the_calendar_asked_for(as_admin, parties):
    text = page_text(as_admin.get(NEW + "?day=2026-12-05"))

    assert 'value="2026-12-05"' in text


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_at": "17:00"}, "ends_at", "The end must be after the start."),
        ({"ends_at": "18:00"}, "ends_at", "The end must be after the start."),
        ({"day": "2026-11-30"}, "day", "Choose today or a later date."),
        ({"day": "2099-12-03"}, "day", "Choose a date on or before Jan 26, 2028."),
        ({"day": "2100-01-01"}, "day", "Enter a date between the years 2000 and 2099."),
        ({"day": "2026-12-01", "starts_at": "08:00"}, "starts_at", "Choose a start in the future."),
        ({"day": ""}, "day", "Enter the date."),
        ({"day": "3 Dec"}, "day", "Enter a date."),
        ({"starts_at": ""}, "starts_at", "Enter the start time."),
        ({"starts_at": "6pm"}, "starts_at", "Enter a time such as 07:30."),
        ({"capacity": "0"}, "capacity", "Capacity must be at least 1."),
        ({"capacity": "-1"}, "capacity", "Capacity must be at least 1."),
        ({"capacity": "21"}, "capacity", "Studio A holds at most 20 people."),
        ({"trainer_id": "424242"}, "trainer_id", "Choose an active trainer."),
        ({"trainer_id": "1; drop table"}, "trainer_id", "Choose an active trainer."),
        ({"room_id": "424242"}, "room_id", "Choose an active room."),
        ({"class_type_id": ""}, "class_type_id", "Choose an active class type."),
        ({"class_type_id": "424242"}, "class_type_id", "Choose an active class type."),
        ({"status": "cancelled"}, "status", "Choose published or draft."),
    ],
)
def test_create_one_off_shows_field_error_and_writes_nothing_when_input_is_bad(
    as_admin, db, parties, overrides, field, message
):
    response = post_form(as_admin, NEW, session_form(parties, **overrides))

    assert response.status_code == 200
    assert field_error(response, field) == message
    assert count(db, ClassSession) == 0
    assert count(db, AuditEntry) == 0


def test_create_one_off_refuses_a_room_already_taken_then(
    as_admin, db, parties, upcoming, schedule
):
    other = schedule.trainer(name="Leo Ruiz")

    response = post_form(as_admin, NEW, session_form(parties, trainer_id=str(other.id)))

    assert field_error(response, "room_id").startswith("Studio A is taken by Spin on Thu 3 Dec")
    assert count(db, ClassSession) == 1


def test_create_one_off_refuses_a_trainer_deactivated_since_the_form_was_shown(
    as_admin, db, parties
):
    token_page = as_admin.get(NEW)
    assert token_page.status_code == 200
    fresh(db, Trainer, parties["trainer"].id).is_active = False
    db.session.commit()

    response = post_form(as_admin, NEW, session_form(parties))  # blank: the type's usual

    assert field_error(response, "trainer_id") == "Choose an active trainer."
    assert count(db, ClassSession) == 0


# ---- the session page and edits ----------------------------------------------


def test_session_page_shows_time_people_and_actions_to_admins(as_admin, upcoming, monkeypatch):
    swap_receivers(monkeypatch, signals.spots_taken, lambda ids: {upcoming.id: 5})

    text = page_text(as_admin.get(f"/admin/sessions/{upcoming.id}"))

    assert "Spin" in text and "Carla Méndez" in text and "Studio A" in text
    assert "5 of 12" in text and "7 spots left" in text
    assert f"/admin/sessions/{upcoming.id}/edit" in text
    assert f"/admin/sessions/{upcoming.id}/cancel" in text


def test_edit_session_saves_and_marks_it_changed_by_hand(as_admin, db, upcoming, schedule):
    trainer = schedule.trainer(name="Leo Ruiz")

    response = post_form(
        as_admin,
        f"/admin/sessions/{upcoming.id}/edit",
        edit_form(upcoming, trainer_id=str(trainer.id), capacity="15", status="draft"),
    )

    assert response.status_code == 302
    assert response.location == f"/admin/sessions/{upcoming.id}"
    cs = fresh(db, ClassSession, upcoming.id)
    assert (cs.trainer_id, cs.capacity, cs.status, cs.is_customised) == (
        trainer.id,
        15,
        SessionStatus.DRAFT,
        True,
    )
    assert cs.starts_at == local(THURSDAY, time(18))


def test_edit_session_form_shows_local_day_and_times(as_admin, upcoming):
    text = page_text(as_admin.get(f"/admin/sessions/{upcoming.id}/edit"))

    assert 'value="2026-12-03"' in text and 'value="18:00"' in text and 'value="19:00"' in text


def test_edit_session_keeps_the_exact_start_when_the_time_is_unchanged(
    as_admin, db, parties, clock
):
    starts_at = local(THURSDAY, time(18)) + timedelta(seconds=30)
    cs = add_session(db, parties["class_type"], parties["trainer"], parties["room"], starts_at)

    post_form(as_admin, f"/admin/sessions/{cs.id}/edit", edit_form(cs, capacity="10"))

    cs = fresh(db, ClassSession, cs.id)
    assert (cs.starts_at, cs.capacity) == (starts_at, 10)
    assert count(db, SentEmail) == 0


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_at": "17:59"}, "ends_at", "The end must be after the start."),
        ({"ends_at": ""}, "ends_at", "Enter the end time."),
        ({"capacity": ""}, "capacity", "Enter the capacity."),
        ({"capacity": "0"}, "capacity", "Capacity must be at least 1."),
        ({"capacity": "25"}, "capacity", "Studio A holds at most 20 people."),
        ({"capacity": "4"}, "capacity", "5 people are already in this class."),
        ({"trainer_id": "424242"}, "trainer_id", "Choose an active trainer."),
        ({"room_id": "x"}, "room_id", "Choose an active room."),
        ({"day": "2026-11-30"}, "day", "Choose today or a later date."),
        ({"day": "2099-12-03"}, "day", "Choose a date on or before Jan 26, 2028."),
        ({"day": "2100-01-01"}, "day", "Enter a date between the years 2000 and 2099."),
        ({"day": "2026-12-01", "starts_at": "08:00"}, "starts_at", "Choose a start in the future."),
        ({"reason": "x" * 501}, "reason", "Use at most 500 characters."),
    ],
)
def test_edit_session_shows_field_error_and_changes_nothing_when_input_is_bad(
    as_admin, db, upcoming, monkeypatch, overrides, field, message
):
    swap_receivers(monkeypatch, signals.spots_taken, lambda ids: {upcoming.id: 5})

    response = post_form(
        as_admin, f"/admin/sessions/{upcoming.id}/edit", edit_form(upcoming, **overrides)
    )

    assert response.status_code == 200
    assert field_error(response, field) == message
    cs = fresh(db, ClassSession, upcoming.id)
    assert (cs.capacity, cs.starts_at, cs.is_customised) == (12, local(THURSDAY, time(18)), False)
    assert count(db, AuditEntry) == 0


def test_edit_page_of_a_finished_session_sends_back_to_it(as_admin, db, parties, clock):
    cs = add_session(
        db, parties["class_type"], parties["trainer"], parties["room"], NOW - timedelta(hours=3)
    )

    response = as_admin.get(f"/admin/sessions/{cs.id}/edit")

    assert response.status_code == 302
    assert response.location == f"/admin/sessions/{cs.id}"
    assert flashes(as_admin.get(response.location)) == [
        "This class is over and can no longer be changed."
    ]


def test_editing_a_session_that_finished_meanwhile_shows_the_refusal(as_admin, db, upcoming, clock):
    page = f"/admin/sessions/{upcoming.id}/edit"
    form = edit_form(upcoming, capacity="10")
    clock(upcoming.ends_at + timedelta(minutes=1))

    response = post_form(as_admin, page, form, token_from=NEW)

    assert response.status_code == 200
    assert form_error_text(response) == "This class is over and can no longer be changed."
    assert fresh(db, ClassSession, upcoming.id).capacity == 12


# ---- reschedule and cancel ---------------------------------------------------


def test_reschedule_moves_the_session_and_emails_everyone_in_it(
    as_admin, db, upcoming, factories, monkeypatch
):
    member = factories.member(name="Marta Gómez")
    swap_receivers(monkeypatch, signals.people_on_session, lambda cs: [member])

    response = post_form(
        as_admin,
        f"/admin/sessions/{upcoming.id}/reschedule",
        {"day": "2026-12-04", "starts_at": "07:30", "reason": "  Trainer is ill. "},
    )

    assert response.status_code == 302
    cs = fresh(db, ClassSession, upcoming.id)
    assert cs.starts_at == local(date(2026, 12, 4), time(7, 30))
    assert cs.ends_at - cs.starts_at == timedelta(hours=1)
    [entry] = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "session.rescheduled")
    ).all()
    assert entry.after["reason"] == "Trainer is ill."
    [email] = db.session.scalars(select(SentEmail).where(SentEmail.user_id == member.id)).all()
    assert email.template == "session_rescheduled"
    assert "Class moved. Everyone in it will get an email." in flashes(
        as_admin.get(response.location)
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"reason": ""}, "reason", "Give a reason; it is sent to the people in the class."),
        ({"reason": "   "}, "reason", "Give a reason; it is sent to the people in the class."),
        ({"reason": "x" * 501}, "reason", "Use at most 500 characters."),
        ({"day": "2026-11-30"}, "day", "Choose today or a later date."),
        ({"day": "2099-12-03"}, "day", "Choose a date on or before Jan 26, 2028."),
        ({"day": "2100-01-01"}, "day", "Enter a date between the years 2000 and 2099."),
        ({"day": "2026-12-01", "starts_at": "08:00"}, "starts_at", "Choose a start in the future."),
        ({"day": "tomorrow"}, "day", "Enter a date."),
        ({"starts_at": "7"}, "starts_at", "Enter a time such as 07:30."),
    ],
)
def test_reschedule_shows_field_error_and_changes_nothing_when_input_is_bad(
    as_admin, db, upcoming, factories, monkeypatch, data, field, message
):
    member = factories.member(name="Marta Gómez")
    swap_receivers(monkeypatch, signals.people_on_session, lambda cs: [member])
    form = {"day": "2026-12-04", "starts_at": "07:30", "reason": "Trainer is ill.", **data}

    response = post_form(as_admin, f"/admin/sessions/{upcoming.id}/reschedule", form)

    assert response.status_code == 200
    assert field_error(response, field) == message
    assert fresh(db, ClassSession, upcoming.id).starts_at == local(THURSDAY, time(18))
    assert count(db, AuditEntry) == 0
    assert count(db, SentEmail) == 0  # refused before anyone is told


def test_reschedule_refuses_a_time_the_trainer_is_busy(as_admin, db, parties, upcoming):
    other_room = add_session(
        db,
        parties["class_type"],
        parties["trainer"],
        parties["room"],
        local(date(2026, 12, 4), time(7)),
    )

    response = post_form(
        as_admin,
        f"/admin/sessions/{upcoming.id}/reschedule",
        {"day": "2026-12-04", "starts_at": "07:30", "reason": "Trainer is ill."},
    )

    assert field_error(response, "trainer_id") is None  # no such field on this form
    assert "Carla Méndez already teaches Spin on Fri 4 Dec" in form_error_text(response)
    assert fresh(db, ClassSession, upcoming.id).starts_at == local(THURSDAY, time(18))
    assert other_room.id


def test_cancel_records_the_reason_and_emails_everyone_in_it(
    as_admin, db, upcoming, factories, monkeypatch
):
    member = factories.member(name="Marta Gómez")
    swap_receivers(monkeypatch, signals.people_on_session, lambda cs: [member])

    response = post_form(
        as_admin, f"/admin/sessions/{upcoming.id}/cancel", {"reason": "Heating is broken."}
    )

    assert response.status_code == 302
    cs = fresh(db, ClassSession, upcoming.id)
    assert (cs.status, cs.cancel_reason, cs.cancelled_at) == (
        SessionStatus.CANCELLED,
        "Heating is broken.",
        NOW,
    )
    [email] = db.session.scalars(select(SentEmail).where(SentEmail.user_id == member.id)).all()
    assert email.template == "session_cancelled"
    page = as_admin.get(response.location)
    assert flashes(page) == ["Class cancelled. Everyone in it will get an email."]
    text = page_text(page)
    assert 'data-testid="cancel-reason">Heating is broken.<' in text
    assert f"/admin/sessions/{upcoming.id}/edit" not in text


def test_cancel_without_a_reason_shows_field_error_and_changes_nothing(as_admin, db, upcoming):
    response = post_form(as_admin, f"/admin/sessions/{upcoming.id}/cancel", {"reason": ""})

    assert response.status_code == 200
    assert field_error(response, "reason") == (
        "Give a reason; it is sent to the people in the class."
    )
    assert fresh(db, ClassSession, upcoming.id).status is SessionStatus.PUBLISHED


def test_cancelling_twice_shows_the_refusal(as_admin, db, upcoming):
    page = f"/admin/sessions/{upcoming.id}/cancel"
    post_form(as_admin, page, {"reason": "Heating is broken."})

    response = post_form(as_admin, page, {"reason": "Again."}, token_from=NEW)

    assert response.status_code == 200
    assert form_error_text(response) == "This class was cancelled and can no longer be changed."
    assert fresh(db, ClassSession, upcoming.id).cancel_reason == "Heating is broken."


@pytest.mark.parametrize("action", ["", "/edit", "/reschedule", "/cancel"])
def test_session_pages_answer_404_for_an_unknown_session(as_admin, action):
    assert as_admin.get(f"/admin/sessions/424242{action}").status_code == 404


@pytest.mark.parametrize("action", ["/edit", "/reschedule", "/cancel"])
def test_session_forms_answer_404_when_posted_for_an_unknown_session(as_admin, action):
    response = post_form(
        as_admin, f"/admin/sessions/424242{action}", {"reason": "x"}, token_from=NEW
    )

    assert response.status_code == 404


# ---- front desk: read-only ---------------------------------------------------


def test_front_desk_sees_the_session_without_actions(as_desk, upcoming):
    response = as_desk.get(f"/admin/sessions/{upcoming.id}")

    assert response.status_code == 200
    assert f"/admin/sessions/{upcoming.id}/edit" not in page_text(response)


@pytest.mark.parametrize("action", ["/edit", "/reschedule", "/cancel"])
def test_front_desk_cannot_change_a_session(as_desk, db, upcoming, action):
    response = post_form(
        as_desk,
        f"/admin/sessions/{upcoming.id}{action}",
        {**edit_form(upcoming, capacity="3"), "reason": "Desk says so."},
        token_from="/admin/sessions",
    )

    assert response.status_code == 403
    cs = fresh(db, ClassSession, upcoming.id)
    assert (cs.status, cs.capacity) == (SessionStatus.PUBLISHED, 12)
