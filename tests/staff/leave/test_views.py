"""The leave pages: a trainer previews and sends a request, admins decide and
plan cover, a trainer moves or cancels their own class while allowed."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db as _db
from app.scheduling.models import ClassSession, SessionStatus
from app.staff.models import Cover, Leave, LeaveStatus
from tests.accounts.support import field_error, page_text
from tests.conftest import post_form
from tests.queries import counting_statements
from tests.staff.leave.conftest import TODAY, at

AWAY = TODAY + timedelta(days=2)


def _form(**values):
    return {
        "kind": "vacation",
        "first_day": AWAY.isoformat(),
        "last_day": AWAY.isoformat(),
        "start_time": "",
        "end_time": "",
        "reason": "Wedding",
        **values,
    }


def _leaves(db) -> int:
    return db.session.scalar(select(func.count(Leave.id)))


def test_preview_lists_the_classes_the_leave_touches_and_writes_nothing(gym, db, client, login):
    carla = gym.trainer(name="Carla Méndez")
    inside = gym.session(carla, starts_at=at(AWAY, 10))
    outside = gym.session(carla, starts_at=at(AWAY + timedelta(days=1), 10))
    login(carla.user)
    response = post_form(client, "/trainer/leave", dict(_form(), action="preview"))
    assert response.status_code == 200
    text = page_text(response)
    preview = text[text.index('data-testid="leave-preview"') :]
    assert inside.class_type.name in preview
    assert outside.class_type.name not in preview
    assert 'value="send"' in text
    assert _leaves(db) == 0


def test_sending_records_a_pending_request(gym, db, client, login):
    carla = gym.trainer()
    login(carla.user)
    response = post_form(client, "/trainer/leave", dict(_form(), action="send"))
    assert response.status_code == 302
    leave = db.session.scalar(select(Leave))
    assert (leave.trainer_id, leave.status, leave.reason) == (
        carla.id,
        LeaveStatus.PENDING,
        "Wedding",
    )
    assert "Pending" in page_text(client.get("/trainer/leave"))


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (
            {"first_day": (TODAY - timedelta(days=1)).isoformat()},
            "first_day",
            "Choose a first day from today on.",
        ),
        ({"last_day": TODAY.isoformat()}, "last_day", "The last day cannot be before the first."),
        ({"start_time": "09:00"}, "end_time", "Give both times, or neither for whole days."),
        ({"first_day": "2026-13-45"}, "first_day", "Enter a date."),
        ({"start_time": "25:99", "end_time": "10:00"}, "start_time", "Enter a time such as 07:30."),
        ({"kind": "holiday"}, "kind", "Choose the kind of leave."),
        ({"first_day": "3026-01-01", "last_day": "3026-01-02"}, "first_day", None),
    ],
)
@pytest.mark.parametrize("action", ["preview", "send"])
def test_bad_values_are_field_errors_never_a_500(
    gym, db, client, login, values, field, message, action
):
    login(gym.trainer().user)
    response = post_form(client, "/trainer/leave", dict(_form(**values), action=action))
    assert response.status_code == 200
    error = field_error(response, field)
    assert error is not None
    if message:
        assert error == message
    assert _leaves(db) == 0


def test_overlapping_leave_is_a_field_error_in_spanish(gym, db, client, login):
    carla = gym.trainer()
    carla.user.language = "es"
    db.session.commit()
    gym.leave(carla, AWAY)
    login(carla.user)
    client.set_cookie("cupo_lang", "es")
    response = post_form(client, "/trainer/leave", dict(_form(), action="send"))
    assert field_error(response, "first_day").startswith("Ya pediste")
    assert _leaves(db) == 1


def test_withdrawing_a_pending_request(gym, db, client, login):
    carla = gym.trainer()
    leave = gym.leave(carla, AWAY)
    login(carla.user)
    response = post_form(client, f"/trainer/leave/{leave.id}/withdraw", token_from="/trainer/leave")
    assert response.status_code == 302
    assert db.session.get(Leave, leave.id, populate_existing=True).status is LeaveStatus.WITHDRAWN


def test_another_trainers_request_cannot_be_withdrawn(gym, db, client, login):
    leave = gym.leave(gym.trainer(), AWAY)
    login(gym.trainer(name="Other").user)
    response = post_form(client, f"/trainer/leave/{leave.id}/withdraw", token_from="/trainer/leave")
    assert response.status_code == 404
    assert db.session.get(Leave, leave.id, populate_existing=True).status is LeaveStatus.PENDING


def test_an_admin_approves_from_the_inbox_and_twice_changes_nothing(gym, db, client, login):
    carla = gym.trainer(name="Carla Méndez")
    leave = gym.leave(carla, AWAY)
    login(gym.admin())
    assert "Carla Méndez" in page_text(client.get("/admin/staff/leave"))
    path = f"/admin/staff/leave/{leave.id}"
    data = {"decision-decision": "approve", "decision-comment": "OK"}
    response = post_form(client, f"{path}/decide", data, token_from=path)
    assert response.status_code == 302
    data = {"decision-decision": "reject", "decision-comment": "No"}
    response = post_form(client, f"{path}/decide", data, token_from=path, follow_redirects=True)
    assert "already decided; nothing changed" in page_text(response)
    leave = db.session.get(Leave, leave.id, populate_existing=True)
    assert (leave.status, leave.decision_comment) == (LeaveStatus.APPROVED, "OK")


def test_a_bad_decision_is_refused_on_the_form(gym, db, client, login):
    leave = gym.leave(gym.trainer(), AWAY)
    login(gym.admin())
    path = f"/admin/staff/leave/{leave.id}"
    data = {"decision-decision": "maybe", "decision-comment": "x" * 501}
    response = post_form(client, f"{path}/decide", data, token_from=path)
    assert response.status_code == 422
    assert field_error(response, "decision-comment") == "Use at most 500 characters."
    assert db.session.get(Leave, leave.id, populate_existing=True).is_pending


def test_the_cover_plan_substitutes_one_class_and_cancels_another(gym, db, client, login):
    carla = gym.trainer(name="Carla Méndez")
    yoga = gym.session(carla, starts_at=at(AWAY, 10))
    spin = gym.session(carla, starts_at=at(AWAY, 18))
    leave = gym.leave(carla, AWAY, approve=True)
    diego = gym.trainer(name="Diego Ramírez")
    login(gym.admin())
    path = f"/admin/staff/leave/{leave.id}"
    page = page_text(client.get(path))
    assert "Cover plan" in page and "Diego Ramírez" in page
    data = {"bulk-session_ids": str(yoga.id), "bulk-substitute_id": str(diego.id)}
    response = post_form(client, f"{path}/substitute", data, token_from=path, follow_redirects=True)
    assert "Covered by Diego Ramírez" in page_text(response)
    data = {"bulk-session_ids": str(spin.id), "bulk-reason": "Carla is away"}
    response = post_form(client, f"{path}/cancel", data, token_from=path, follow_redirects=True)
    assert "1 class cancelled." in page_text(response)
    assert db.session.get(ClassSession, yoga.id, populate_existing=True).trainer_id == diego.id
    assert db.session.get(ClassSession, spin.id, populate_existing=True).status is (
        SessionStatus.CANCELLED
    )


@pytest.mark.parametrize(
    "data",
    [
        {"bulk-session_ids": "nope", "bulk-substitute_id": "1"},
        {"bulk-substitute_id": "1"},
        {"bulk-session_ids": "999999", "bulk-substitute_id": "1"},
    ],
)
def test_a_bad_cover_form_is_a_message_and_changes_nothing(gym, db, client, login, data):
    carla = gym.trainer()
    gym.session(carla, starts_at=at(AWAY, 10))
    leave = gym.leave(carla, AWAY, approve=True)
    login(gym.admin())
    path = f"/admin/staff/leave/{leave.id}"
    response = post_form(client, f"{path}/substitute", data, token_from=path)
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Cover.id))) == 0


def _count(client, path) -> int:
    with counting_statements(_db.engine) as statements:
        response = client.get(path)
    assert response.status_code == 200
    return sum(1 for statement in statements if statement.lstrip().startswith("SELECT"))


def test_the_cover_plan_and_inbox_run_as_many_queries_for_one_class_as_for_many(
    gym, db, client, login
):
    def build(n):
        trainer, room = gym.trainer(name=f"T{n}"), gym.schedule.room()
        for hour in range(n):
            cs = gym.session(trainer, starts_at=at(AWAY, 6 + hour), room=room)
            gym.booked_member(cs)
        for _ in range(n):
            gym.trainer()
        return gym.leave(trainer, AWAY, approve=True)

    small, large = build(1), build(6)
    for index in range(5):
        gym.leave(gym.trainer(), AWAY + timedelta(days=index))
    login(gym.admin())
    assert _count(client, f"/admin/staff/leave/{small.id}") == _count(
        client, f"/admin/staff/leave/{large.id}"
    )
    small_inbox = _count(client, "/admin/staff/leave")
    for index in range(10):
        gym.leave(gym.trainer(), AWAY + timedelta(days=index))
    assert _count(client, "/admin/staff/leave") == small_inbox


# -- class controls -----------------------------------------------------------


def test_a_trainer_cancels_their_own_class_with_a_reason(gym, db, client, login):
    carla = gym.trainer()
    cs = gym.session(carla, starts_at=at(AWAY, 10))
    login(carla.user)
    home = page_text(client.get(f"/trainer/?week={AWAY.isoformat()}"))
    assert 'data-testid="change-link"' in home
    path = f"/trainer/sessions/{cs.id}"
    response = post_form(client, f"{path}/cancel", {"cancel-reason": ""}, token_from=path)
    assert response.status_code == 422
    assert field_error(response, "cancel-reason")
    response = post_form(client, f"{path}/cancel", {"cancel-reason": "Sick"}, token_from=path)
    assert response.status_code == 302
    assert db.session.get(ClassSession, cs.id, populate_existing=True).cancel_reason == "Sick"


def test_a_trainer_moves_their_own_class_through_the_timetables_checks(gym, db, client, login):
    carla = gym.trainer(name="Carla Méndez")
    cs = gym.session(carla, starts_at=at(AWAY, 10))
    gym.leave(carla, AWAY + timedelta(days=1), approve=True)
    login(carla.user)
    path = f"/trainer/sessions/{cs.id}"
    data = {
        "move-day": (AWAY + timedelta(days=1)).isoformat(),
        "move-starts_at": "10:00",
        "move-reason": "Swap",
    }
    response = post_form(client, f"{path}/reschedule", data, token_from=path)
    assert response.status_code == 422
    assert "Carla Méndez is away then" in page_text(response)
    data["move-day"] = (AWAY + timedelta(days=3)).isoformat()
    response = post_form(client, f"{path}/reschedule", data, token_from=path)
    assert response.status_code == 302
    assert db.session.get(ClassSession, cs.id, populate_existing=True).starts_at == at(
        AWAY + timedelta(days=3), 10
    )


def test_another_trainers_class_is_a_404(gym, db, client, login):
    cs = gym.session(gym.trainer(), starts_at=at(AWAY, 10))
    login(gym.trainer(name="Other").user)
    assert client.get(f"/trainer/sessions/{cs.id}").status_code == 404
    path = "/trainer/leave"
    response = post_form(
        client, f"/trainer/sessions/{cs.id}/cancel", {"cancel-reason": "x"}, token_from=path
    )
    assert response.status_code == 404
    assert db.session.get(ClassSession, cs.id, populate_existing=True).status is not (
        SessionStatus.CANCELLED
    )


def test_with_class_controls_off_the_buttons_go_and_the_routes_answer_403(gym, db, client, login):
    carla = gym.trainer()
    cs = gym.session(carla, starts_at=at(AWAY, 10))
    gym.settings(trainer_class_controls=False)
    login(carla.user)
    assert 'data-testid="change-link"' not in page_text(
        client.get(f"/trainer/?week={AWAY.isoformat()}")
    )
    assert client.get(f"/trainer/sessions/{cs.id}").status_code == 403
    response = post_form(
        client,
        f"/trainer/sessions/{cs.id}/cancel",
        {"cancel-reason": "x"},
        token_from="/trainer/leave",
    )
    assert response.status_code == 403
    assert not db.session.get(ClassSession, cs.id, populate_existing=True).is_cancelled


def test_the_back_office_menu_counts_requests_waiting_for_admins(gym, db, client, login):
    gym.leave(gym.trainer(), AWAY)
    gym.leave(gym.trainer(), AWAY)
    login(gym.admin())
    assert '2<span class="visually-hidden"> requests waiting</span>' in page_text(
        client.get("/admin/")
    )
    login(gym.factories.front_desk())
    assert "requests waiting" not in page_text(client.get("/admin/"))
