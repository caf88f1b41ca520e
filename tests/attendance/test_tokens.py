"""The booking's QR token and short code: made, read back, and forgeries refused."""

import re

import pytest

from app.attendance import tokens

IDS = [1, 2, 31, 32, 33, 1000, 32**4 - 1, 32**4, 10**7, 2**31 - 1]
#: what a QR code's alphanumeric mode can hold
QR_ALPHANUMERIC = re.compile(r"^[0-9A-Z $%*+\-./:]+$")


@pytest.fixture(autouse=True)
def _context(app_ctx):
    """The MAC key comes from the app's SECRET_KEY."""


def _other(char: str) -> str:
    """Another character of the alphabet, one a typo fix cannot turn back into `char`."""
    return "Z" if char != "Z" else "Y"


# --- round trips -----------------------------------------------------------------


@pytest.mark.parametrize("booking_id", IDS)
def test_qr_token_reads_back_as_the_booking_and_a_qr(booking_id):
    token = tokens.qr_token(booking_id)
    assert token.startswith("CUPO-")
    assert QR_ALPHANUMERIC.match(token)
    assert tokens.read(token) == (booking_id, True)


@pytest.mark.parametrize("booking_id", IDS)
def test_short_code_reads_back_as_the_booking_and_not_a_qr(booking_id):
    code = tokens.short_code(booking_id)
    assert re.match(r"^[0-9A-Z]{4,}-[0-9A-Z]{4}$", code), code
    assert tokens.read(code) == (booking_id, False)


@pytest.mark.parametrize("booking_id", IDS)
def test_tokens_are_at_most_forty_characters(booking_id):
    assert len(tokens.qr_token(booking_id)) <= 40
    assert len(tokens.short_code(booking_id)) <= 40


def test_tokens_differ_from_booking_to_booking():
    assert len({tokens.qr_token(i) for i in IDS}) == len(IDS)
    assert len({tokens.short_code(i) for i in IDS}) == len(IDS)


def test_the_short_code_for_booking_one_is_padded_to_four_characters():
    assert tokens.short_code(1).startswith("0001-")


# --- forgiving what people type --------------------------------------------------


@pytest.mark.parametrize("booking_id", [1, 33, 1000, 10**7])
@pytest.mark.parametrize(
    "typed",
    [
        pytest.param(str.lower, id="lower case"),
        pytest.param(lambda code: code.replace("-", ""), id="no hyphen"),
        pytest.param(lambda code: code.replace("-", " "), id="space for hyphen"),
        pytest.param(lambda code: f"  {code[:2]} {code[2:]}\n", id="spaces and newline"),
        pytest.param(lambda code: code.replace("0", "O"), id="O for 0"),
        pytest.param(lambda code: code.replace("1", "I"), id="I for 1"),
        pytest.param(lambda code: code.replace("1", "L"), id="L for 1"),
        pytest.param(
            lambda code: code.replace("0", "o").replace("1", "l").lower(), id="o and l, lower"
        ),
    ],
)
def test_short_code_typed_loosely_still_reads(booking_id, typed):
    assert tokens.read(typed(tokens.short_code(booking_id))) == (booking_id, False)


def test_the_typo_cases_really_contain_typos():
    """The ids above have 0 or 1 in their code, so the O/I/L cases change something."""
    for booking_id in (1, 33):
        assert re.search("[01]", tokens.short_code(booking_id))


@pytest.mark.parametrize("booking_id", [1, 10**7])
def test_qr_token_in_lower_case_or_with_spaces_still_reads(booking_id):
    token = tokens.qr_token(booking_id)
    assert tokens.read(token.lower()) == (booking_id, True)
    assert tokens.read(f" {token} ") == (booking_id, True)


# --- forgeries and garbage ---------------------------------------------------------


def _qr_parts(booking_id):
    ident, mac = tokens.qr_token(booking_id)[len("CUPO-") :].split("-")
    return ident, mac


@pytest.mark.parametrize("position", [0, 7, 15])
def test_qr_token_with_one_mac_character_changed_is_refused(position):
    ident, mac = _qr_parts(42)
    forged = mac[:position] + _other(mac[position]) + mac[position + 1 :]
    assert tokens.read(f"CUPO-{ident}-{forged}") is None


@pytest.mark.parametrize("position", [0, 3])
def test_short_code_with_one_mac_character_changed_is_refused(position):
    ident, mac = tokens.short_code(42).split("-")
    forged = mac[:position] + _other(mac[position]) + mac[position + 1 :]
    assert tokens.read(f"{ident}-{forged}") is None


def test_another_id_with_the_same_mac_is_refused():
    _, mac = _qr_parts(42)
    assert tokens.read(f"CUPO-{tokens.encode32(43)}-{mac}") is None
    _, code_mac = tokens.short_code(42).split("-")
    assert tokens.read(f"{tokens.encode32(43, 4)}-{code_mac}") is None


def test_the_qr_mac_does_not_make_a_short_code():
    ident, mac = _qr_parts(42)
    code_ident = tokens.short_code(42).split("-")[0]
    for piece in (mac[:4], mac[-4:]):
        assert tokens.read(f"{code_ident}-{piece}") is None
    assert tokens.read(f"{ident}-{mac}") is None  # the QR token without its prefix


def test_the_short_mac_does_not_make_a_qr_token():
    ident, code_mac = tokens.short_code(42).split("-")
    assert tokens.read(f"CUPO-{tokens.encode32(42)}-{code_mac}") is None
    assert tokens.read(f"CUPO-{ident}-{code_mac * 4}") is None


@pytest.mark.parametrize("prefix", ["CUPA-", "CUP-", "XCUPO-", "CUPO_", "CUPO", ""])
def test_qr_token_with_a_wrong_prefix_is_refused(prefix):
    ident, mac = _qr_parts(42)
    assert tokens.read(f"{prefix}{ident}-{mac}") is None


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("   ", id="blank"),
        pytest.param("-", id="hyphen"),
        pytest.param("CUPO-", id="prefix only"),
        pytest.param("CUPO--", id="prefix and hyphen"),
        pytest.param("0000-0000", id="id zero"),
        pytest.param("X" * 1000, id="1000 characters"),
        pytest.param("7" * 1000, id="1000 digits"),
        pytest.param("CUPO-" + "A" * 995, id="1000 after the prefix"),
        pytest.param("Ä", id="umlaut"),
        pytest.param("日本語のコード", id="japanese"),
        pytest.param("ÄÄÄÄ-ÄÄÄÄ", id="non-ASCII code shape"),
        pytest.param("https://example.com/?q=CUPO-1", id="a URL"),
        pytest.param("\x00\x01\x02", id="control characters"),
    ],
)
def test_garbage_is_refused_without_error(text):
    assert tokens.read(text) is None


def _last_non_ascii(text: str) -> str:
    return text[:-1] + "É"


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: _last_non_ascii(tokens.qr_token(42)), id="qr mac"),
        pytest.param(lambda: _last_non_ascii(tokens.short_code(42)), id="short code mac"),
        pytest.param(lambda: tokens.short_code(42) + "ñ", id="short code, one more"),
    ],
)
def test_a_genuine_looking_code_with_a_non_ascii_character_is_refused(make):
    assert tokens.read(make()) is None


def test_a_token_made_under_another_secret_key_is_refused(app, monkeypatch):
    monkeypatch.setitem(app.config, "SECRET_KEY", "another gym's secret, not ours")
    foreign_qr, foreign_code = tokens.qr_token(42), tokens.short_code(42)
    monkeypatch.undo()
    assert foreign_qr != tokens.qr_token(42)
    assert tokens.read(foreign_qr) is None
    assert tokens.read(foreign_code) is None
    assert tokens.read(tokens.qr_token(42)) == (42, True)
