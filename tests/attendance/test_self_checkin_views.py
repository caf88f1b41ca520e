"""Self check-in's pages: the member's camera page and its POST, the door
code on the kiosk and on a room's display, and the setting that turns it
all off."""

import re
from datetime import timedelta

import pytest

from app.attendance import door as door_codes
from app.attendance.models import CheckIn, CheckInMethod
from tests.accounts.support import page_text
from tests.attendance.conftest import NOW
from tests.attendance.support import attempts, check_in_of, count
from tests.attendance.test_self_checkin import turn_off_self_check_in
from tests.conftest import post_form
from tests.tools import decode_qr

FRAGMENT = {"HX-Request": "true"}


@pytest.fixture
def booked(door, client, login):
    """A class at 9:30 local, open for check-in now; its member signed in."""
    cs, member, booking = door.booked(starts_in=timedelta(minutes=30))
    login(member)
    return cs, member, booking


def check_in(client, code, *, fragment=True):
    headers = FRAGMENT if fragment else {}
    return post_form(client, "/app/check-in", {"code": code}, headers=headers)


def result_of(response) -> tuple[str, str]:
    match = re.search(r'data-result="(\w+)" data-code="(\w+)"', page_text(response))
    assert match, page_text(response)[:500]
    return match.group(1), match.group(2)


# --- the member's page ----------------------------------------------------------------


def test_the_page_starts_the_camera_script(booked, client):
    response = client.get("/app/check-in")

    text = page_text(response)
    assert response.status_code == 200
    assert "data-self-checkin" in text and "self_checkin" in text and "jsQR" in text
    assert 'aria-live="assertive"' in text
    assert "<script>" not in text  # the script is a file (CSP)


def test_home_links_to_check_in(booked, client):
    assert 'href="/app/check-in"' in page_text(client.get("/app/"))


def test_the_door_code_checks_in_and_answers_with_the_green_card(booked, client):
    cs, member, booking = booked

    response = check_in(client, door_codes.door_token(door_codes.GYM, NOW))

    assert response.status_code == 200
    assert result_of(response) == ("ok", "checked_in")
    text = page_text(response)
    assert "<html" not in text  # the card alone
    assert cs.class_type.name in text and cs.room.name in text
    assert check_in_of(booking.id).method is CheckInMethod.DOOR


def test_without_javascript_the_whole_page_comes_back_with_the_card(booked, client):
    cs, member, booking = booked

    response = check_in(client, door_codes.door_token(door_codes.GYM, NOW), fragment=False)

    assert response.status_code == 200
    text = page_text(response)
    assert "<html" in text and "data-self-checkin" in text
    assert result_of(response) == ("ok", "checked_in")
    assert check_in_of(booking.id) is not None


def test_an_expired_code_gets_the_red_card_with_what_to_do(booked, client):
    response = check_in(client, door_codes.door_token(door_codes.GYM, NOW - timedelta(minutes=5)))

    assert result_of(response) == ("error", "code_expired")
    assert "Scan the code on the screen again" in page_text(response)
    assert count(CheckIn) == 0


def test_a_member_without_a_booking_is_told_so(door, client, login):
    login(door.member())

    response = check_in(client, door_codes.door_token(door_codes.GYM, NOW))

    assert result_of(response) == ("error", "no_booking")
    assert "You have no booking to check in to now." in page_text(response)


@pytest.mark.parametrize("code", ["", "   ", "X" * 65])
def test_an_empty_or_overlong_code_is_a_400_and_writes_nothing(booked, client, code):
    response = check_in(client, code)

    assert response.status_code == 400
    assert result_of(response) == ("error", "invalid")
    assert attempts() == []


def test_non_ascii_text_is_an_unknown_code_not_an_error(booked, client):
    response = check_in(client, "CUPO-DOOR-GYM-Ω")
    assert result_of(response) == ("error", "unknown")


def test_a_post_without_the_csrf_token_changes_nothing(booked, client):
    response = client.post(
        "/app/check-in", data={"code": door_codes.door_token(door_codes.GYM, NOW)}
    )
    assert response.status_code == 400
    assert count(CheckIn) == 0 and attempts() == []


def test_too_many_tries_are_refused(booked, client, app, monkeypatch):
    monkeypatch.setitem(app.config, "SELF_CHECKIN_LIMIT", "2 per minute")
    stale = door_codes.door_token(door_codes.GYM, NOW - timedelta(minutes=5))
    assert check_in(client, stale).status_code == 200
    assert check_in(client, stale).status_code == 200

    response = check_in(client, door_codes.door_token(door_codes.GYM, NOW))

    assert response.status_code == 429
    assert count(CheckIn) == 0


def test_staff_cannot_use_the_members_page(door, client, login):
    login(door.factories.front_desk())
    assert client.get("/app/check-in").status_code == 403


# --- turned off ----------------------------------------------------------------------


def test_with_self_check_in_off_the_page_sends_members_to_the_desk(booked, client):
    turn_off_self_check_in()

    page = page_text(client.get("/app/check-in"))
    home = page_text(client.get("/app/"))
    response = check_in(client, door_codes.door_token(door_codes.GYM, NOW))

    assert "Self check-in is off at this gym." in page and "jsQR" not in page
    assert 'href="/app/check-in"' not in home
    assert response.status_code == 409
    assert result_of(response) == ("error", "off")
    assert count(CheckIn) == 0 and attempts() == []


def test_with_self_check_in_off_there_is_no_door_code(door, client, login):
    login(door.factories.front_desk())
    turn_off_self_check_in()
    room = door.session(starts_in=timedelta(minutes=30)).room

    assert client.get("/desk/door.png").status_code == 404
    assert client.get(f"/desk/rooms/{room.id}/door.png").status_code == 404
    display = page_text(client.get(f"/desk/rooms/{room.id}/door"))
    assert "Self check-in is off" in display and "door.png" not in display


# --- the door code on screens -----------------------------------------------------------


def test_the_desk_gets_the_gyms_current_code_never_stored(door, client, login):
    login(door.factories.front_desk())

    response = client.get("/desk/door.png")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    assert "no-store" in response.headers["Cache-Control"]
    assert float(response.headers["X-Door-Code-Refresh"]) == 30.0  # NOW starts a window
    assert decode_qr(response.data) == door_codes.door_token(door_codes.GYM, NOW)


def test_a_rooms_display_shows_that_rooms_code(door, client, login):
    login(door.factories.admin())
    room = door.session(starts_in=timedelta(minutes=30)).room

    page = page_text(client.get(f"/desk/rooms/{room.id}/door"))
    image = client.get(f"/desk/rooms/{room.id}/door.png")

    assert room.name in page and f"/desk/rooms/{room.id}/door.png" in page
    assert decode_qr(image.data) == door_codes.door_token(door_codes.room_location(room.id), NOW)
    assert client.get("/desk/rooms/999999/door.png").status_code == 404
    assert client.get("/desk/rooms/999999/door").status_code == 404


def test_the_kiosk_start_page_lists_the_rooms_displays(door, client, login):
    login(door.factories.front_desk())
    room = door.session(starts_in=timedelta(minutes=30)).room

    page = page_text(client.get("/desk/kiosk"))

    assert f'href="/desk/rooms/{room.id}/door"' in page


def test_the_kiosk_shows_the_door_code_and_serves_it_in_kiosk_mode(door, client, login):
    login(door.factories.front_desk())
    post_form(client, "/desk/kiosk/start", token_from="/desk/kiosk")

    page = page_text(client.get("/desk/kiosk"))
    image = client.get("/desk/door.png")

    assert "Members: scan to check in" in page and "/desk/door.png" in page
    assert image.status_code == 200 and image.headers["Content-Type"] == "image/png"


def test_the_desk_scanner_outside_kiosk_mode_shows_no_door_code(door, client, login):
    login(door.factories.front_desk())
    assert "/desk/door.png" not in page_text(client.get("/admin/scan"))


def test_the_desks_scan_log_shows_door_scans_by_member_and_place(booked, client, login, door):
    cs, member, booking = booked
    check_in(client, door_codes.door_token(door_codes.room_location(cs.room_id), NOW))
    check_in(client, door_codes.door_token(door_codes.GYM, NOW - timedelta(minutes=5)))
    login(door.factories.front_desk())

    page = page_text(client.get("/admin/scans"))
    expired = page_text(client.get("/admin/scans?result=code_expired"))

    assert f"door:R{cs.room_id}" in page and "door:GYM" in page
    assert member.name in page and "Door code expired" in page
    assert ">1 scan<" in expired and "Door code expired" in expired
