"""The door code a kiosk or a room's display shows: made, read back, rotated
every 30 seconds, and refused when forged, moved or too old."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from app.attendance import door, tokens
from tests.tools import decode_qr

#: a window's first second (1 764 601 200 is a multiple of 30)
NOW = datetime(2025, 12, 1, 15, 0, tzinfo=UTC)
WINDOW = timedelta(seconds=door.WINDOW_SECONDS)
QR_ALPHANUMERIC = re.compile(r"^[0-9A-Z $%*+\-./:]+$")


@pytest.fixture(autouse=True)
def _context(app_ctx):
    """The MAC key comes from the app's SECRET_KEY."""


def _other(char: str) -> str:
    return "Z" if char != "Z" else "Y"


@pytest.mark.parametrize("location", ["GYM", "R1", "R42", "R99999"])
def test_a_door_code_reads_back_as_its_place_and_window(location):
    token = door.door_token(location, NOW)
    assert token.startswith("CUPO-DOOR-")
    assert QR_ALPHANUMERIC.match(token)
    assert len(token) <= 40  # the scan log keeps 40 characters
    assert door.read(token) == door.DoorCode(location, door.window_at(NOW))


def test_room_codes_name_their_room_and_the_gyms_none():
    assert door.read(door.door_token(door.room_location(7), NOW)).room_id == 7
    assert door.read(door.door_token(door.GYM, NOW)).room_id is None


def test_the_code_stays_the_same_within_a_window_and_changes_with_the_next():
    code = door.door_token("GYM", NOW)
    assert door.door_token("GYM", NOW + WINDOW - timedelta(microseconds=1)) == code
    assert door.door_token("GYM", NOW + WINDOW) != code
    assert door.seconds_left(NOW) == 30
    assert door.seconds_left(NOW + timedelta(seconds=20.5)) == 9.5


@pytest.mark.parametrize(
    ("shown", "works"),
    [
        pytest.param(NOW, True, id="this window"),
        pytest.param(NOW - WINDOW, True, id="the window before (it just rotated)"),
        pytest.param(NOW - 2 * WINDOW, False, id="two windows before: expired"),
        pytest.param(NOW - timedelta(minutes=5), False, id="a photo from 5 minutes ago"),
        pytest.param(NOW + WINDOW, True, id="one window ahead (a fast clock)"),
        pytest.param(NOW + 2 * WINDOW, False, id="two windows ahead"),
    ],
)
def test_a_code_works_in_its_window_and_the_next_only(shown, works):
    code = door.read(door.door_token("GYM", shown))
    assert code is not None  # genuine whatever its age
    assert code.is_current(NOW + timedelta(seconds=29)) is works


def test_read_forgives_case_and_spaces_around():
    token = door.door_token("R3", NOW)
    assert door.read(f"  {token.lower()}\n") == door.DoorCode("R3", door.window_at(NOW))


def test_a_changed_mac_window_or_place_is_refused():
    token = door.door_token("R3", NOW)
    head, mac = token.rsplit("-", 1)
    assert door.read(f"{head}-{mac[:-1]}{_other(mac[-1])}") is None
    window = door.window_at(NOW)
    later = tokens.encode32(window + 10)
    assert door.read(f"CUPO-DOOR-R3-{later}-{mac}") is None  # an old code made newer
    assert door.read(f"CUPO-DOOR-R4-{tokens.encode32(window)}-{mac}") is None  # another room
    assert door.read(f"CUPO-DOOR-GYM-{tokens.encode32(window)}-{mac}") is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "CUPO-DOOR-",
        "CUPO-DOOR-GYM",
        "CUPO-DOOR-GYM--",
        "CUPO-DOOR-HALL-1-ABCDEFGHJKMNPQRS",
        "CUPO-DOOR-R-1-ABCDEFGHJKMNPQRS",
        "CUPO-DOOR-R１-1-ABCDEFGHJKMNPQRS",  # a full-width digit
        "CUPO-DOOR-R99999999999-1-ABCDEFGHJKMNPQRS",
        "CUPO-DOOR-GYM-UUUU-ABCDEFGHJKMNPQRS",
        "CUPO-DOOR-GYM-1-ÁBCDEFGHJKMNPQRS",
        "https://example.com/",
    ],
)
def test_garbage_is_not_a_door_code(text):
    assert door.read(text) is None


def test_a_booking_code_is_not_a_door_code_nor_the_other_way_round():
    assert door.read(tokens.qr_token(1)) is None
    assert tokens.read(door.door_token("GYM", NOW)) is None


def test_another_gyms_key_makes_codes_this_gym_refuses(app):
    token = door.door_token("GYM", NOW)
    secret = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "another gym's secret"
    try:
        assert door.read(token) is None
    finally:
        app.config["SECRET_KEY"] = secret


def test_the_qr_image_holds_the_code():
    """Read by an independent decoder (zbar), as a phone would."""
    assert decode_qr(door.qr_png("R5", NOW)) == door.door_token("R5", NOW)
