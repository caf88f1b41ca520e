"""The scan log page: one day of scans for the desk, its filters and counts,
the guessing warning, bounded queries, and who may read it."""

import re
from datetime import timedelta

import pytest

from app.attendance import services, tokens
from app.attendance.queries import GUESSING_UNKNOWN_CODES, SCANS_PER_PAGE
from tests.accounts.support import field_error, page_text
from tests.attendance.conftest import NOW
from tests.queries import counting_statements

PAGE = "/admin/scans"


def rows(response) -> list[str]:
    """The result of each row shown, top to bottom."""
    return re.findall(r'data-scan-id="\d+" data-result="(\w+)"', page_text(response))


def count(response, key: str) -> int:
    match = re.search(rf'data-count="{key}">(\d+)<', page_text(response))
    assert match, key
    return int(match.group(1))


def unknown_codes(desk, how_many: int, device: str = "door") -> None:
    for number in range(how_many):
        services.scan(f"GUESS{number:04d}", actor=desk, device=device)


@pytest.fixture
def desk(door, login):
    user = door.factories.front_desk(name="Dana Desk")
    login(user)
    return user


def test_rows_show_member_class_scanner_and_result_newest_first(door, desk, client, clock):
    cs, member, booking = door.booked()
    services.scan(tokens.qr_token(booking.id), actor=desk, device="a" * 32)
    clock(NOW + timedelta(minutes=1))
    services.scan("not-a-code", actor=desk, device="ip:10.1.2.3")

    response = client.get(PAGE)

    assert response.status_code == 200
    text = page_text(response)
    assert rows(response) == ["unknown", "checked_in"]
    assert member.name in text and cs.class_type.name in text
    assert "Dana Desk" in text
    assert ">aaaaaaaa<" in text and "a" * 32 + "<" not in text  # shortened cookie id
    assert "ip:10.1.2.3" in text
    assert re.search(r'data-testid="text-read">not-a-code<', text)
    assert "Checked in</span>" in text and "Unknown code</span>" in text
    assert "bg-success-lt" in text and "bg-danger-lt" in text


def test_counts_the_day_scans_check_ins_and_failures(door, desk, client):
    _, _, booking = door.booked()
    services.scan(tokens.qr_token(booking.id), actor=desk, device="door")
    services.scan(tokens.qr_token(booking.id), actor=desk, device="door")  # already
    unknown_codes(desk, 2)

    response = client.get(PAGE)

    scans, check_ins = count(response, "scans"), count(response, "check-ins")
    assert (scans, check_ins, count(response, "failures")) == (4, 1, 3)


def test_default_day_is_today_and_other_days_are_chosen_by_date(door, desk, client, clock):
    clock(NOW - timedelta(days=1))
    unknown_codes(desk, 1)
    clock(NOW)
    unknown_codes(desk, 2)

    assert len(rows(client.get(PAGE))) == 2
    yesterday = client.get(f"{PAGE}?day={(NOW - timedelta(days=1)).date().isoformat()}")
    assert len(rows(yesterday)) == 1
    assert count(yesterday, "scans") == 1


def test_failures_only_leaves_out_check_ins(door, desk, client):
    _, _, booking = door.booked()
    services.scan(tokens.qr_token(booking.id), actor=desk, device="door")
    services.scan(tokens.qr_token(booking.id), actor=desk, device="door")
    unknown_codes(desk, 1)

    assert rows(client.get(f"{PAGE}?result=failures")) == ["unknown", "already"]
    assert rows(client.get(f"{PAGE}?result=checked_in")) == ["checked_in"]
    assert rows(client.get(f"{PAGE}?result=already")) == ["already"]


def test_scanner_and_device_filters(door, desk, client):
    other = door.factories.front_desk(name="Omar Other")
    unknown_codes(desk, 2, device="front")
    unknown_codes(other, 3, device="back")

    assert len(rows(client.get(f"{PAGE}?scanner={other.id}"))) == 3
    assert len(rows(client.get(f"{PAGE}?scanner={desk.id}"))) == 2
    assert len(rows(client.get(f"{PAGE}?device=front"))) == 2
    assert len(rows(client.get(f"{PAGE}?device=back&scanner={desk.id}"))) == 0


def test_pages_hold_fifty_scans(door, desk, client):
    unknown_codes(desk, SCANS_PER_PAGE + 3)

    assert len(rows(client.get(PAGE))) == SCANS_PER_PAGE
    assert len(rows(client.get(f"{PAGE}?page=2"))) == 3
    assert "53 scans" in page_text(client.get(PAGE))


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("day=yesterday", "day", "Enter a date."),
        ("day=0001-01-01", "day", "Enter a date between"),
        ("result=lucky", "result", "Choose a result."),
        ("scanner=abc", "scanner", "Choose someone."),
        ("scanner=99999999999999999999", "scanner", "Choose someone."),
        ("device=nowhere", "device", "Choose a device."),
    ],
)
def test_bad_filter_is_a_field_error_and_ignored(door, desk, client, query, field, message):
    unknown_codes(desk, 2)

    response = client.get(f"{PAGE}?{query}&page=abc")

    assert response.status_code == 200
    assert message in field_error(response, field)
    assert len(rows(response)) == 2  # today, every result, anyone


def test_guessing_warning_names_devices_with_ten_unknown_codes(door, desk, client):
    unknown_codes(desk, GUESSING_UNKNOWN_CODES, device="b" * 32)
    unknown_codes(desk, GUESSING_UNKNOWN_CODES - 1, device="ip:10.0.0.9")

    text = page_text(client.get(PAGE))

    assert 'data-testid="guessing"' in text
    assert f'data-guessing-device="{"b" * 32}"' in text
    assert "ip:10.0.0.9" not in re.search(r'data-testid="guessing".*?</div>', text, re.S)[0]
    assert f"{GUESSING_UNKNOWN_CODES} unknown codes" in text


def test_no_guessing_warning_below_ten(door, desk, client):
    unknown_codes(desk, GUESSING_UNKNOWN_CODES - 1)

    assert 'data-testid="guessing"' not in page_text(client.get(PAGE))


def _statements(client, db, path):
    client.get(path)  # warm caches (templates, settings)
    with counting_statements(db.engine) as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def _scans(door, desk, *, booked: int, unknown: int, device: str):
    for _ in range(booked):
        _, _, booking = door.booked()
        services.scan(tokens.qr_token(booking.id), actor=desk, device=device)
    unknown_codes(desk, unknown, device=device)


def test_query_count_does_not_grow_with_scans(door, desk, client, db, clock):
    yesterday = (NOW - timedelta(days=1)).date().isoformat()
    clock(NOW - timedelta(days=1))
    _scans(door, desk, booked=1, unknown=2, device="one")
    clock(NOW)
    _scans(door, desk, booked=6, unknown=54, device="two")
    few = _statements(client, db, f"{PAGE}?day={yesterday}")
    assert len(rows(client.get(f"{PAGE}?day={yesterday}"))) == 3
    assert rows(client.get(f"{PAGE}?page=2")).count("checked_in") == 6

    assert _statements(client, db, PAGE) == few
    assert _statements(client, db, f"{PAGE}?page=2") == few
    assert _statements(client, db, f"{PAGE}?result=failures&device=two") == few


@pytest.mark.parametrize("role", ["trainer", "member"])
def test_trainers_and_members_may_not_read_the_log(door, client, login, role):
    login(getattr(door.factories, role)())

    assert client.get(PAGE).status_code == 403


def test_desk_scanner_links_to_the_log(door, desk, client):
    assert 'data-testid="scan-log-link"' in page_text(client.get("/admin/scan"))


def test_trainer_scanner_has_no_link_to_the_log(door, client, login):
    login(door.factories.trainer())

    assert 'data-testid="scan-log-link"' not in page_text(client.get("/trainer/scan"))
