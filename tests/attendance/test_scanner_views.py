"""The scanner pages, POST /scan and kiosk mode: who may scan what, what the
answer looks like, the bad-scan limit per device, and the locked kiosk."""

import re

import pytest
from sqlalchemy import func, select

from app.attendance import tokens
from app.attendance.models import CheckIn, ScanAttempt, ScanResult
from app.attendance.queries import (
    BAD_SCANS_PER_MINUTE,
    BAD_SCANS_PER_MINUTE_PER_ACCOUNT,
)
from app.core.audit import AuditEntry
from tests.accounts.support import field_error, page_text
from tests.conftest import PASSWORD, post_form

FRAGMENT = {"HX-Request": "true"}


def scan(client, code, *, session_id=None, page="/admin/scan", fragment=True, device=None):
    if device:
        client.set_cookie("cupo_device", device)
    data = {"code": code}
    if session_id is not None:
        data["session_id"] = str(session_id)
    headers = FRAGMENT if fragment else {}
    return post_form(client, "/scan", data, token_from=page, headers=headers)


def result_of(response) -> tuple[str, str]:
    """(ok|error, result code) of the green or red card in the response."""
    match = re.search(r'data-result="(\w+)" data-code="(\w+)"', page_text(response))
    assert match, page_text(response)[:500]
    return match.group(1), match.group(2)


def attempts(db) -> list[ScanAttempt]:
    return list(db.session.scalars(select(ScanAttempt).order_by(ScanAttempt.id)))


def checked_in(db, booking) -> bool:
    return db.session.scalar(select(CheckIn).where(CheckIn.booking_id == booking.id)) is not None


# --- scanning ------------------------------------------------------------------


def test_trainer_scanning_own_class_shows_green_card_with_member(door, client, login, db):
    cs, member, booking = door.booked()
    login(door.trainer_of(cs))

    response = scan(client, tokens.qr_token(booking.id), page="/trainer/scan")

    assert response.status_code == 200
    assert result_of(response) == ("ok", "checked_in")
    assert member.name in page_text(response)
    assert cs.class_type.name in page_text(response)
    assert checked_in(db, booking)


def test_trainer_scanner_page_lists_only_own_classes_today(door, client, login):
    cs, _member, _booking = door.booked()
    other, _m, _b = door.booked()
    login(door.trainer_of(cs))

    response = client.get("/trainer/scan")

    assert response.status_code == 200
    assert f'data-session-link="{cs.id}"' in page_text(response)
    assert f'data-session-link="{other.id}"' not in page_text(response)
    assert "Code under the QR" in page_text(response)
    assert 'aria-live="assertive"' in page_text(response)


def test_trainer_scanning_another_trainers_booking_is_refused(door, client, login, db):
    mine, _m, _b = door.booked()
    theirs, _member, booking = door.booked()
    login(door.trainer_of(mine))

    response = scan(client, tokens.qr_token(booking.id), page="/trainer/scan")

    assert result_of(response) == ("error", "not_yours")
    assert f"This is {theirs.trainer.name}'s class, not yours." in page_text(response)
    assert not checked_in(db, booking)


def test_bound_scanner_refuses_a_booking_for_another_class(door, client, login, db):
    cs, _m, _b = door.booked()
    other, _member, booking = door.booked()
    login(door.factories.front_desk())

    response = scan(client, tokens.short_code(booking.id), session_id=cs.id)

    assert result_of(response) == ("error", "wrong_session")
    assert f"Wrong class: this booking is for {other.class_type.name}" in page_text(response)
    assert not checked_in(db, booking)


def test_trainer_cannot_bind_scanner_to_another_trainers_class(door, client, login, db):
    mine, _m, _b = door.booked()
    theirs, _member, booking = door.booked()
    login(door.trainer_of(mine))

    assert client.get(f"/trainer/scan?session={theirs.id}").status_code == 404
    assert client.get("/trainer/scan?session=nope").status_code == 404
    # digits to str.isdigit(), not to int(); and past PostgreSQL's integer
    assert client.get("/trainer/scan?session=²").status_code == 404
    assert client.get("/trainer/scan?session=2147483648").status_code == 404
    assert client.get(f"/trainer/scan?session={mine.id}").status_code == 200
    response = scan(client, tokens.qr_token(booking.id), session_id=theirs.id, page="/trainer/scan")
    assert response.status_code == 400
    assert result_of(response) == ("error", "invalid")
    assert not checked_in(db, booking)


def test_desk_scans_any_class(door, client, login, db):
    cs, member, booking = door.booked()
    login(door.factories.front_desk())

    page = client.get("/admin/scan")
    response = scan(client, tokens.qr_token(booking.id))

    assert f'data-session-link="{cs.id}"' in page_text(page)
    assert result_of(response) == ("ok", "checked_in")
    assert checked_in(db, booking)


def test_member_gets_403_from_scanner_pages_and_scan(door, client, login, db):
    _cs, member, booking = door.booked()
    login(member)

    assert client.get("/trainer/scan").status_code == 403
    assert client.get("/admin/scan").status_code == 403
    response = scan(client, tokens.qr_token(booking.id), page="/app/")
    assert response.status_code == 403
    assert not checked_in(db, booking)
    assert attempts(db) == []


def test_manual_code_without_javascript_rerenders_the_page(door, client, login, db):
    cs, member, booking = door.booked()
    login(door.trainer_of(cs))

    response = scan(client, tokens.short_code(booking.id), page="/trainer/scan", fragment=False)

    assert response.status_code == 200
    text = page_text(response)
    assert "<html" in text and "Code under the QR" in text
    assert result_of(response) == ("ok", "checked_in")
    assert member.name in text
    assert checked_in(db, booking)
    assert (
        db.session.scalar(select(CheckIn.method).where(CheckIn.booking_id == booking.id)).value
        == "code"
    )


def test_second_scan_says_already_checked_in(door, client, login):
    _cs, _member, booking = door.booked()
    login(door.factories.front_desk())

    scan(client, tokens.qr_token(booking.id))
    response = scan(client, tokens.qr_token(booking.id))

    assert result_of(response) == ("error", "already")
    assert "Already checked in at" in page_text(response)


def test_every_scan_writes_a_scan_attempt_with_the_device(door, client, login, db):
    _cs, _member, booking = door.booked()
    desk = door.factories.front_desk()
    login(desk)
    device = "a" * 32

    scan(client, tokens.qr_token(booking.id), device=device)
    scan(client, "NOPE-NOPE", device=device)
    scan(client, tokens.qr_token(booking.id), device=device)

    logged = attempts(db)
    assert [a.result for a in logged] == [
        ScanResult.CHECKED_IN,
        ScanResult.UNKNOWN,
        ScanResult.ALREADY,
    ]
    assert {a.device for a in logged} == {device}
    assert {a.scanner_id for a in logged} == {desk.id}


def test_scanner_page_gives_the_browser_a_device_cookie(door, client, login, db):
    login(door.factories.front_desk())

    response = client.get("/admin/scan")

    cookie = next(c for c in response.headers.getlist("Set-Cookie") if "cupo_device=" in c)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert re.search(r"cupo_device=[0-9a-f]{32}", cookie)
    scan(client, "NOPE-NOPE")
    assert re.fullmatch(r"[0-9a-f]{32}", attempts(db)[0].device)


def test_device_without_cookie_is_known_by_its_ip(door, client, login, db):
    login(door.factories.front_desk())

    scan(client, "NOPE-NOPE", page="/admin/")

    assert attempts(db)[0].device == "ip:127.0.0.1"


# --- the bad-scan limit --------------------------------------------------------


def test_device_is_limited_after_too_many_unknown_codes(door, client, login, db):
    _cs, _member, booking = door.booked()
    login(door.factories.front_desk())
    device = "b" * 32
    for _ in range(BAD_SCANS_PER_MINUTE):
        assert result_of(scan(client, "ZZZZ-ZZZZ", device=device)) == ("error", "unknown")

    response = scan(client, tokens.qr_token(booking.id), device=device)

    assert response.status_code == 429
    assert result_of(response) == ("error", "rate_limited")
    assert "Too many unknown codes from this scanner." in page_text(response)
    assert len(attempts(db)) == BAD_SCANS_PER_MINUTE  # not scanned at all
    assert not checked_in(db, booking)
    other_device = scan(client, tokens.qr_token(booking.id), device="c" * 32)
    assert result_of(other_device) == ("ok", "checked_in")


def test_good_and_genuine_scans_do_not_count_towards_the_limit(door, client, login, db):
    login(door.factories.front_desk())
    device = "d" * 32
    bookings = [door.booked()[2] for _ in range(3)]
    for booking in bookings:
        assert result_of(scan(client, tokens.qr_token(booking.id), device=device))[0] == "ok"
    for _ in range(BAD_SCANS_PER_MINUTE):  # a member holding up their phone
        scan(client, tokens.qr_token(bookings[0].id), device=device)
    for _ in range(BAD_SCANS_PER_MINUTE - 1):
        scan(client, "ZZZZ-ZZZZ", device=device)

    response = scan(client, tokens.qr_token(door.booked()[2].id), device=device)

    assert result_of(response) == ("ok", "checked_in")


def test_account_is_limited_across_devices(door, client, login, db):
    login(door.factories.front_desk())
    for number in range(BAD_SCANS_PER_MINUTE_PER_ACCOUNT):
        scan(client, "ZZZZ-ZZZZ", device=f"{number:032x}")

    response = scan(client, "ZZZZ-ZZZZ", device="f" * 32)

    assert result_of(response) == ("error", "rate_limited")


def test_limit_answers_a_page_without_javascript(door, client, login, db):
    login(door.factories.front_desk())
    device = "e" * 32
    for _ in range(BAD_SCANS_PER_MINUTE):
        scan(client, "ZZZZ-ZZZZ", device=device)

    response = scan(client, "ZZZZ-ZZZZ", device=device, fragment=False)

    assert response.status_code == 429
    assert "<html" in page_text(response)
    assert result_of(response) == ("error", "rate_limited")


# --- bad input -----------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        {"code": ""},
        {"code": "   "},
        {"code": "X" * 5000},
        {"code": "ABCD-EFGH", "session_id": "abc"},
        {"code": "ABCD-EFGH", "session_id": "99999999999999999999"},
        {"code": "ABCD-EFGH", "session_id": "999999"},
        {"code": "ABCD-EFGH", "session_id": "2147483648"},
        {"code": "ABCD-EFGH", "session_id": "²"},
        {"code": "CUPO-ZZZZZZZZZZZZZZZZZZZZZZZZZZ-0"},
        {"code": "\x00\ud7ff☃"},
        {"code": "CUPO-1-ÄAAAAAAAAAAAAAAA"},
        {"code": "0001-ÄAAA"},
    ],
)
@pytest.mark.parametrize("fragment", [True, False])
def test_bad_input_never_breaks_the_scanner(door, client, login, db, data, fragment):
    login(door.factories.front_desk())
    headers = FRAGMENT if fragment else {}

    response = post_form(client, "/scan", data, token_from="/admin/scan", headers=headers)

    assert response.status_code in (200, 400)
    assert result_of(response)[0] == "error"


def test_empty_code_asks_for_one(door, client, login, db):
    login(door.factories.front_desk())

    response = scan(client, "")

    assert response.status_code == 400
    assert "Type the code under the member" in page_text(response)
    assert attempts(db) == []


def test_scan_without_csrf_token_is_refused(door, client, login, db):
    _cs, _member, booking = door.booked()
    login(door.factories.front_desk())

    response = client.post("/scan", data={"code": tokens.qr_token(booking.id)})

    assert response.status_code == 400
    assert not checked_in(db, booking)


# --- kiosk ---------------------------------------------------------------------


def start_kiosk(client):
    return post_form(client, "/desk/kiosk/start", token_from="/desk/kiosk")


def test_kiosk_page_offers_to_start_and_changes_nothing_by_itself(door, client, login):
    login(door.factories.front_desk())

    response = client.get("/desk/kiosk")

    assert response.status_code == 200
    assert "Start kiosk mode" in page_text(response)
    assert client.get("/admin/").status_code == 200


def test_starting_kiosk_locks_the_browser_to_the_scanner(door, client, login, db):
    cs, member, booking = door.booked()
    desk = door.factories.front_desk()
    login(desk)

    response = start_kiosk(client)

    assert response.status_code == 303
    assert response.location.endswith("/desk/kiosk")
    page = client.get("/desk/kiosk")
    assert page.status_code == 200
    assert "data-scanner" in page_text(page)
    assert "data-fullscreen" in page_text(page)
    assert "Sign out" not in page_text(page)
    for path in ("/admin/", "/admin/scan", "/password/change", "/app/"):
        redirected = client.get(path)
        assert (redirected.status_code, redirected.location) == (303, "/desk/kiosk"), path
    assert db.session.scalar(
        select(func.count()).where(
            AuditEntry.action == "kiosk.started", AuditEntry.actor_id == desk.id
        )
    )
    scanned = scan(client, tokens.qr_token(booking.id), page="/desk/kiosk")
    assert result_of(scanned) == ("ok", "checked_in")


def test_kiosk_blocks_signing_out(door, client, login):
    login(door.factories.front_desk())
    start_kiosk(client)

    response = post_form(client, "/logout", token_from="/desk/kiosk")

    assert (response.status_code, response.location) == (303, "/desk/kiosk")
    assert client.get("/desk/kiosk").status_code == 200  # still signed in


def test_kiosk_exit_refuses_a_wrong_password(door, client, login, db):
    login(door.factories.front_desk())
    start_kiosk(client)

    response = post_form(client, "/desk/kiosk/exit", {"password": "wrong-password"})

    assert response.status_code == 200
    assert field_error(response, "password") == "That password is not correct."
    assert client.get("/admin/").location == "/desk/kiosk"


def test_kiosk_exit_with_the_right_password_returns_to_the_back_office(door, client, login, db):
    desk = door.factories.front_desk()
    login(desk)
    start_kiosk(client)

    response = post_form(client, "/desk/kiosk/exit", {"password": PASSWORD})

    assert (response.status_code, response.location) == (303, "/admin/")
    assert client.get("/admin/").status_code == 200
    assert "Start kiosk mode" in page_text(client.get("/desk/kiosk"))
    assert db.session.scalar(
        select(func.count()).where(
            AuditEntry.action == "kiosk.ended", AuditEntry.actor_id == desk.id
        )
    )


def test_kiosk_exit_is_rate_limited(door, client, login):
    login(door.factories.front_desk())
    start_kiosk(client)
    token_page = "/desk/kiosk/exit"
    for _ in range(5):
        post_form(client, "/desk/kiosk/exit", {"password": "wrong"}, token_from=token_page)

    response = post_form(client, "/desk/kiosk/exit", {"password": PASSWORD}, token_from=token_page)

    assert response.status_code == 429
    assert client.get("/admin/").location == "/desk/kiosk"


def test_kiosk_is_for_desk_staff_only(door, client, login):
    cs, _member, _booking = door.booked()
    login(door.trainer_of(cs))

    assert client.get("/desk/kiosk").status_code == 403
    assert post_form(client, "/desk/kiosk/start", token_from="/trainer/scan").status_code == 403
    assert client.get("/trainer/").status_code == 200


def test_kiosk_exit_outside_kiosk_mode_says_so(door, client, login):
    login(door.factories.front_desk())

    response = client.get("/desk/kiosk/exit")

    assert response.status_code == 200
    assert "This browser is not in kiosk mode." in page_text(response)
