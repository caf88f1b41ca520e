"""The availability pages (trainer, admin) and the member's 1:1 slot pages."""

from datetime import date, time, timedelta

from sqlalchemy import func, select

from app.booking.models import Hold
from app.scheduling.models import ClassSession
from app.staff.models import AvailabilityBlock, AvailabilityException, ExceptionKind
from app.trainers.models import ClientAssignment
from tests.accounts.support import page_text
from tests.conftest import post_form
from tests.queries import counting_statements
from tests.staff.availability.conftest import WEDNESDAY, at


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# -- the member's slot pages ------------------------------------------------------


def test_member_sees_trainers_taking_one_to_ones(ones, client, login):
    trainer, member = ones.trainer(name="Carla Méndez"), ones.member()
    ones.one_type()
    ones.trainer(blocks=(), name="Nobody Free")
    login(member)
    text = page_text(client.get("/app/trainers/"))
    assert "Carla Méndez" in text and "Nobody Free" not in text
    assert f"/app/trainers/{trainer.id}" in text


def test_member_sees_the_days_free_times_and_holds_one(ones, db, client, login):
    trainer, one_type, member = ones.trainer(), ones.one_type(), ones.member()
    login(member)
    page = client.get(f"/app/trainers/{trainer.id}?type={one_type.id}&day={WEDNESDAY}")
    text = page_text(page)
    assert page.status_code == 200
    assert text.count("data-slot=") == 13  # 9:00 to 12:00 by quarter hours
    response = post_form(
        client,
        f"/app/trainers/{trainer.id}/book",
        {
            "type_id": one_type.id,
            "starts_at": at(WEDNESDAY, 10).isoformat(),
            "idempotency_key": "k1",
        },
        token_from=f"/app/trainers/{trainer.id}",
    )
    assert response.status_code == 303 and response.location.endswith("/app/bookings")
    hold = db.session.scalar(select(Hold))
    assert hold.member_id == member.id
    bookings_page = page_text(client.get("/app/bookings"))
    assert "Personal training" in bookings_page and f'data-hold-id="{hold.id}"' in bookings_page


def test_a_slot_just_taken_brings_the_member_back_to_fresh_times(ones, db, client, login):
    trainer, one_type = ones.trainer(), ones.one_type()
    first, second = ones.member(), ones.member()
    from app.staff.services.availability import book_slot

    book_slot(trainer.id, one_type.id, at(WEDNESDAY, 10), first, actor=first)
    login(second)
    response = post_form(
        client,
        f"/app/trainers/{trainer.id}/book",
        {"type_id": one_type.id, "starts_at": at(WEDNESDAY, 10, 30).isoformat()},
        token_from=f"/app/trainers/{trainer.id}",
    )
    assert response.status_code == 303
    assert f"day={WEDNESDAY.isoformat()}" in response.location
    text = page_text(client.get(response.location))
    assert "Sorry, that time was just taken. Here are the free times now." in text
    assert at(WEDNESDAY, 10, 30).isoformat() not in text
    assert _count(db, ClassSession) == 1


def test_a_bad_slot_form_writes_nothing(ones, db, client, login):
    trainer, one_type, member = ones.trainer(), ones.one_type(), ones.member()
    login(member)
    for data in (
        {"type_id": one_type.id, "starts_at": "tomorrow at ten"},
        {"type_id": one_type.id, "starts_at": "2026-12-02T10:00:00"},  # no zone
        {"type_id": "x", "starts_at": at(WEDNESDAY, 10).isoformat()},
        {"type_id": one_type.id, "starts_at": (at(WEDNESDAY, 10) - timedelta(days=30)).isoformat()},
    ):
        response = post_form(
            client, f"/app/trainers/{trainer.id}/book", data, token_from="/app/trainers/"
        )
        assert response.status_code == 303
    assert _count(db, ClassSession) == 0 and _count(db, Hold) == 0


def test_unknown_trainer_or_type_is_404(ones, client, login, schedule):
    trainer, member = ones.trainer(), ones.member()
    group = schedule.class_type(name="Spin")
    ones.one_type()
    login(member)
    assert client.get(f"/app/trainers/{trainer.id + 999}").status_code == 404
    assert client.get(f"/app/trainers/{trainer.id}?type={group.id}").status_code == 404
    response = post_form(
        client,
        f"/app/trainers/{trainer.id}/book",
        {"type_id": group.id, "starts_at": at(WEDNESDAY, 10).isoformat()},
        token_from="/app/trainers/",
    )
    assert response.status_code == 404


def test_a_clients_only_trainer_shows_no_times_to_other_members(ones, db, client, login):
    trainer, member = ones.trainer(), ones.member()
    ones.one_type()
    trainer.one_to_one_audience = "clients"
    db.session.commit()
    login(member)
    text = page_text(client.get(f"/app/trainers/{trainer.id}"))
    assert "takes 1:1 bookings from their clients only" in text and "data-slot=" not in text
    db.session.add(ClientAssignment(member_id=member.id, trainer_id=trainer.id))
    db.session.commit()
    assert "data-slot=" in page_text(client.get(f"/app/trainers/{trainer.id}"))


def test_slots_page_runs_the_same_queries_at_small_and_large_data(
    ones, db, client, login, schedule
):
    trainer, one_type, member = (
        ones.trainer(blocks=((2, 9, 13), (3, 9, 13))),
        ones.one_type(),
        ones.member(),
    )
    login(member)
    url = f"/app/trainers/{trainer.id}"
    client.get(url)  # warm caches
    with counting_statements(db.engine) as few:
        client.get(url)
    group = schedule.class_type(name="Spin")
    for weekday in range(7):
        ones.block(trainer, weekday, time(6), time(8))
        ones.block(trainer, weekday, time(18), time(21))
    for day in range(14):
        db.session.add(
            AvailabilityException(
                trainer_id=trainer.id,
                on_day=WEDNESDAY + timedelta(days=day),
                kind=ExceptionKind.EXTRA,
                start_time=time(15),
                end_time=time(16),
            )
        )
        for hour in (6, 18, 20):
            db.session.add(
                ClassSession(
                    class_type_id=group.id,
                    occurs_on=WEDNESDAY + timedelta(days=day),
                    starts_at=at(WEDNESDAY + timedelta(days=day), hour),
                    ends_at=at(WEDNESDAY + timedelta(days=day), hour, 45),
                    trainer_id=trainer.id,
                    room_id=one_type.default_room_id,
                    capacity=10,
                )
            )
    db.session.commit()
    with counting_statements(db.engine) as many:
        text = page_text(client.get(url))
    assert "data-slot=" in text
    assert len(few) == len(many), (few, many)


# -- the trainer's availability page -------------------------------------------


def test_trainer_adds_hours_and_sees_them(ones, db, client, login):
    trainer = ones.trainer(blocks=())
    login(trainer.user)
    response = post_form(
        client,
        "/trainer/availability/blocks",
        {"weekday": "2", "start_time": "09:00", "end_time": "12:00", "valid_from": "2026-12-01"},
        token_from="/trainer/availability",
    )
    assert response.status_code == 302
    block = db.session.scalar(select(AvailabilityBlock))
    assert (block.trainer_id, block.weekday, block.start_time) == (trainer.id, 2, time(9))
    assert "Availability saved." in page_text(client.get("/trainer/availability"))


def test_bad_hours_come_back_as_field_errors_and_nothing_is_saved(ones, db, client, login):
    trainer = ones.trainer(blocks=())
    login(trainer.user)
    for data, message in (
        ({"start_time": "12:00", "end_time": "09:00"}, "The end must be after the start."),
        ({"start_time": "25:00", "end_time": "09:00"}, "Enter a time such as 07:30."),
        ({"weekday": "9"}, "Choose a weekday."),
        ({"valid_from": "2026-11-01"}, "Choose today or a later date."),
        (
            {"valid_until": "2026-12-05", "valid_from": "2026-12-10"},
            "The last day must be on or after the first.",
        ),
    ):
        form = {
            "weekday": "2",
            "start_time": "09:00",
            "end_time": "12:00",
            "valid_from": "2026-12-01",
        }
        response = post_form(
            client, "/trainer/availability/blocks", form | data, token_from="/trainer/availability"
        )
        assert response.status_code == 200
        assert message in page_text(response)
    assert _count(db, AvailabilityBlock) == 0


def test_trainer_adds_a_day_off_and_removes_it(ones, db, client, login):
    trainer = ones.trainer()
    login(trainer.user)
    post_form(
        client,
        "/trainer/availability/exceptions",
        {"exception-on_day": "2026-12-02", "exception-kind": "off"},
        token_from="/trainer/availability",
    )
    exception = db.session.scalar(select(AvailabilityException))
    assert exception.on_day == WEDNESDAY and exception.start_time is None
    post_form(
        client,
        f"/trainer/availability/exceptions/{exception.id}/delete",
        token_from="/trainer/availability",
    )
    assert _count(db, AvailabilityException) == 0


def test_shrinking_hours_warns_of_booked_sessions_outside(ones, db, client, login):
    from app.booking.services.bookings import confirm_hold
    from app.staff.services.availability import book_slot

    trainer, one_type, member = ones.trainer(), ones.one_type(), ones.member()
    hold = book_slot(trainer.id, one_type.id, at(WEDNESDAY, 10), member, actor=member)
    confirm_hold(hold.id, member, actor=member)
    block = db.session.scalar(select(AvailabilityBlock))
    login(trainer.user)
    response = post_form(
        client,
        f"/trainer/availability/blocks/{block.id}",
        {"weekday": "2", "start_time": "11:00", "end_time": "13:00", "valid_from": "2026-11-01"},
        token_from=f"/trainer/availability/blocks/{block.id}",
        follow_redirects=True,
    )
    text = page_text(response)
    assert "1 booked 1:1 session is now outside the availability. It stays booked." in text
    assert member.name in text
    assert _count(db, ClassSession) == 1


def test_another_trainers_block_or_exception_is_404(ones, db, client, login):
    mine, theirs = ones.trainer(blocks=()), ones.trainer()
    block = db.session.scalar(
        select(AvailabilityBlock).where(AvailabilityBlock.trainer_id == theirs.id)
    )
    day_off = AvailabilityException(trainer_id=theirs.id, on_day=WEDNESDAY, kind=ExceptionKind.OFF)
    db.session.add(day_off)
    db.session.commit()
    login(mine.user)
    token_page = "/trainer/availability"
    assert client.get(f"/trainer/availability/blocks/{block.id}").status_code == 404
    assert (
        post_form(
            client, f"/trainer/availability/blocks/{block.id}", {}, token_from=token_page
        ).status_code
        == 404
    )
    assert (
        post_form(
            client, f"/trainer/availability/blocks/{block.id}/delete", token_from=token_page
        ).status_code
        == 404
    )
    assert (
        post_form(
            client, f"/trainer/availability/exceptions/{day_off.id}/delete", token_from=token_page
        ).status_code
        == 404
    )
    assert _count(db, AvailabilityBlock) == 1 and _count(db, AvailabilityException) == 1


def test_desk_and_members_cannot_open_availability_pages(ones, client, login, factories):
    trainer = ones.trainer()
    for person in (factories.front_desk(), ones.member()):
        login(person)
        assert client.get("/trainer/availability").status_code == 403
        assert client.get(f"/admin/staff/trainers/{trainer.id}/availability").status_code == 403


def test_admin_keeps_any_trainers_availability(ones, db, client, login, schedule):
    trainer = ones.trainer(name="Diego Ramírez")
    login(schedule.admin())
    text = page_text(client.get(f"/admin/staff/trainers/{trainer.id}/availability"))
    assert "Availability of Diego Ramírez" in text
    response = post_form(
        client,
        f"/admin/staff/trainers/{trainer.id}/availability/audience",
        {"audience": "clients"},
        token_from=f"/admin/staff/trainers/{trainer.id}/availability",
    )
    assert response.status_code == 302
    assert (
        db.session.get(type(trainer), trainer.id, populate_existing=True).one_to_one_audience
        == "clients"
    )
    assert client.get("/admin/staff/trainers/99999/availability").status_code == 404
    admin_trainer_page = page_text(client.get(f"/admin/trainers/{trainer.id}"))
    assert f"/admin/staff/trainers/{trainer.id}/availability" in admin_trainer_page


def test_trainer_sets_clients_only_with_a_bad_value_refused(ones, db, client, login):
    trainer = ones.trainer()
    login(trainer.user)
    response = post_form(
        client,
        "/trainer/availability/audience",
        {"audience": "friends"},
        token_from="/trainer/availability",
    )
    assert response.status_code == 200 and "Choose who may book." in page_text(response)
    post_form(
        client,
        "/trainer/availability/audience",
        {"audience": "clients"},
        token_from="/trainer/availability",
    )
    assert (
        db.session.get(type(trainer), trainer.id, populate_existing=True).one_to_one_audience
        == "clients"
    )


def test_member_home_links_to_booking_a_trainer(ones, client, login):
    login(ones.member())
    assert 'href="/app/trainers/"' in page_text(client.get("/app/"))


def test_one_to_one_sessions_stay_off_the_members_schedule(ones, client, login):
    from app.staff.services.availability import book_slot

    trainer, one_type, member = ones.trainer(), ones.one_type(), ones.member()
    book_slot(trainer.id, one_type.id, at(WEDNESDAY, 10), member, actor=member)
    login(ones.member())
    assert "Personal training" not in page_text(
        client.get(f"/app/schedule?day={date(2026, 12, 2)}")
    )


def test_a_bad_day_off_comes_back_as_a_field_error(ones, db, client, login):
    trainer = ones.trainer()
    login(trainer.user)
    for data, message in (
        ({"exception-on_day": "2026-11-30"}, "Choose today or a later date."),
        ({"exception-on_day": "someday"}, "Enter a date."),
        ({"exception-kind": "holiday"}, "Choose day off or extra hours."),
        ({"exception-kind": "extra"}, "Enter the start time."),
        (
            {"exception-start_time": "10:00", "exception-end_time": "09:00"},
            "The end must be after the start.",
        ),
    ):
        form = {"exception-on_day": "2026-12-02", "exception-kind": "off"} | data
        response = post_form(
            client, "/trainer/availability/exceptions", form, token_from="/trainer/availability"
        )
        assert response.status_code == 200
        assert message in page_text(response)
    assert _count(db, AvailabilityException) == 0


def test_trainer_chooses_who_may_book_on_their_profile(ones, db, client, login):
    trainer = ones.trainer()
    login(trainer.user)
    assert 'id="one-to-one-audience"' in page_text(client.get("/trainer/profile/"))
    response = post_form(
        client,
        "/trainer/availability/audience",
        {"audience": "clients", "next": "/trainer/profile/"},
        token_from="/trainer/profile/",
    )
    assert response.status_code == 302 and response.location == "/trainer/profile/"
    assert (
        db.session.get(type(trainer), trainer.id, populate_existing=True).one_to_one_audience
        == "clients"
    )
    offsite = post_form(
        client,
        "/trainer/availability/audience",
        {"audience": "anyone", "next": "https://evil.example/"},
        token_from="/trainer/profile/",
    )
    assert offsite.location == "/trainer/availability"
