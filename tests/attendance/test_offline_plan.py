"""What the member app keeps for the door without a connection
(`/app/offline.json`, read by the service worker)."""

from datetime import timedelta

from app.booking.services.bookings import book_now, cancel_booking
from tests.conftest import post_form


def _plan(client):
    response = client.get("/app/offline.json")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    return response.get_json()


def test_the_plan_lists_home_bookings_and_the_passes_of_the_next_seven_days(door, client, login):
    soon = door.session(starts_in=timedelta(hours=2))
    member = door.member(credits=3)
    booking = book_now(soon.id, member, actor=door.schedule.admin())
    in_six_days = door.session(starts_in=timedelta(days=6))
    later = door.session(starts_in=timedelta(days=8))
    admin = door.schedule.admin()
    kept = book_now(in_six_days.id, member, actor=admin)
    too_far = book_now(later.id, member, actor=admin)
    login(member)

    plan = _plan(client)

    assert plan["pages"] == [
        "/app/",
        "/app/bookings",
        f"/app/bookings/{booking.id}",
        f"/app/bookings/{booking.id}/qr.png",
        f"/app/bookings/{kept.id}",
        f"/app/bookings/{kept.id}/qr.png",
    ]
    assert not any(str(too_far.id) in page for page in plan["pages"][2:])
    for page in plan["pages"]:  # each one is there to be kept
        assert client.get(page).headers["Cache-Control"] == "private, no-cache", page


def test_a_cancelled_booking_leaves_the_plan_and_changes_its_digest(door, client, login):
    cs, member, booking = door.booked(starts_in=timedelta(days=2))
    login(member)
    before = _plan(client)

    cancel_booking(booking.id, member, actor=member)

    after = _plan(client)
    assert after["pages"] == ["/app/", "/app/bookings"]
    assert after["digest"] != before["digest"]
    assert after["member"] == before["member"]


def test_an_unchanged_plan_keeps_its_digest_and_each_member_has_their_own_name(door, client, login):
    cs, member, booking = door.booked(starts_in=timedelta(days=2))
    other = door.member()
    login(member)
    first, again = _plan(client), _plan(client)
    login(other)
    theirs = _plan(client)

    assert first == again
    assert first["language"] in ("en", "es")
    assert theirs["member"] != first["member"]
    assert len(first["member"]) == 20 and first["member"] != str(member.id)


def test_the_page_names_its_member_for_the_phone_and_no_one_when_signed_out(
    door, client, login, app
):
    cs, member, booking = door.booked()
    login(member)
    key = _plan(client)["member"]

    assert f'<meta name="cupo-member" content="{key}">' in client.get("/app/").text
    post_form(client, "/logout", token_from="/app/")
    assert client.get("/app/").status_code == 302
    assert '<meta name="cupo-member" content="">' in app.test_client().get("/login").text


def test_a_class_in_progress_keeps_its_pass_until_it_ends(door, client, login, clock):
    cs, member, booking = door.booked(starts_in=timedelta(minutes=30))
    login(member)

    clock(cs.starts_at + timedelta(minutes=10))
    in_progress = _plan(client)["pages"]
    clock(cs.ends_at)
    over = _plan(client)["pages"]

    assert f"/app/bookings/{booking.id}/qr.png" in in_progress
    assert over == ["/app/", "/app/bookings"]


def test_only_members_have_a_plan(door, client, login, factories):
    login(door.schedule.admin())

    assert client.get("/app/offline.json").status_code == 403
