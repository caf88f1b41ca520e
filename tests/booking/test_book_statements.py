"""One tap on "book" runs the same SQL statements however full the class is
(bench/booking_storm.py prints the figure for PostgreSQL)."""

import uuid

from app.booking.services.bookings import book_now
from tests.booking.member_support import bookings
from tests.conftest import csrf_token
from tests.queries import counting_statements

#: statements of one book request with inline jobs, by database
#: (44 since the confirmation goes through the notification centre: the
#: request reads the member's choices and writes the notification, one
#: statement more than the email row it wrote before; the inline job loads
#: the notification and looks for its email before writing it)
CEILING = {"sqlite": 44, "postgresql": 46}


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
    # the figures when this was written (the test's jobs run inline, so the
    # confirmation email's statements count too): shorter may come, never longer
    assert empty <= CEILING[db.engine.dialect.name], empty
