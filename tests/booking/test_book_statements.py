"""One tap on "book" runs the same SQL statements however full the class is
(bench/booking_storm.py prints the figure for PostgreSQL)."""

import uuid

from app.booking.services.bookings import book_now
from tests.booking.member_support import bookings
from tests.conftest import csrf_token
from tests.queries import counting_statements


def _statements_of_one_book(booker, client, login, db, *, already_booked: int) -> int:
    cs = booker.session(capacity=30)
    for _ in range(already_booked):
        other = booker.member(credits=1)
        book_now(cs.id, other, actor=other)
    member = booker.member(credits=2)
    login(member)
    form = {"csrf_token": csrf_token(client, "/app/bookings"), "idempotency_key": uuid.uuid4().hex}

    with counting_statements(db.engine) as statements:
        response = client.post(f"/app/sessions/{cs.id}/book", data=form)

    assert response.status_code == 303
    assert [b.session_id for b in bookings(db, member)] == [cs.id]
    return len(statements)


def test_a_book_request_runs_as_many_statements_for_an_empty_class_as_for_a_busy_one(
    booker, client, login, db
):
    empty = _statements_of_one_book(booker, client, login, db, already_booked=0)
    busy = _statements_of_one_book(booker, client, login, db, already_booked=20)

    assert empty == busy
    # 45 on SQLite when this was written (31 on PostgreSQL, which has no
    # BEGIN IMMEDIATE dance): the hot path may get shorter, never longer
    assert empty <= 45, empty
