"""What a client sends is bounded in the kernel: ids past PostgreSQL's
integer are a 404 or a field error, NUL bytes never reach a service, page
numbers stay in range and "²" is not a digit. (tests/test_routes_fuzz.py
sends all of it to every route.)"""

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import NotFound

from app.core.forms import INVALID_ID, IdField, to_id
from app.core.inputs import MAX_ID, MAX_PAGE, IdConverter, arg_id, page_arg, page_number, parse_id
from tests.accounts.support import page_text
from tests.conftest import PASSWORD, post_form

TOO_BIG = (2**31, 2**63, 10**30)


def test_every_int_argument_of_every_route_is_bounded(app):
    converters = [
        converter
        for rule in app.url_map.iter_rules()
        for converter in rule._converters.values()
        if rule.rule.count("<int:")
    ]

    assert converters and all(isinstance(c, IdConverter) for c in converters)
    assert app.url_map.converters["int"] is IdConverter


@pytest.mark.parametrize("too_big", TOO_BIG)
def test_an_id_too_large_for_the_database_matches_no_route(app, too_big):
    adapter = app.url_map.bind("localhost")

    with pytest.raises(NotFound):
        adapter.match(f"/admin/users/{too_big}")
    assert adapter.match(f"/admin/users/{MAX_ID}") == ("users_admin.edit", {"user_id": MAX_ID})


def test_the_bounded_int_keeps_the_builtins_behaviour(app):
    adapter = app.url_map.bind("localhost")

    with pytest.raises(NotFound):
        adapter.match("/admin/users/-1")
    with pytest.raises(NotFound):
        adapter.match("/admin/users/²")
    assert adapter.build("users_admin.edit", {"user_id": 7}) == "/admin/users/7"


def test_an_id_too_large_is_the_404_page(client, login, factories):
    login(factories.admin())

    response = client.get(f"/admin/users/{2**31}")

    assert response.status_code == 404
    assert "Page not found" in page_text(response)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12),
        (" 12 ", 12),
        ("0", 0),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        ("9" * 400, None),
        ("²", None),  # "²".isdigit() is True; int("²") raises
        ("٣", None),  # an Arabic-Indic three: int() reads it, we don't
        ("-3", None),
        ("1e3", None),
        ("", None),
        (None, None),
        (True, None),
        (5, 5),
        (2**31, None),
    ],
)
def test_parse_id_reads_ascii_digits_up_to_the_largest_id(text, expected):
    assert parse_id(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, 1),
        ("", 1),
        ("x", 1),
        ("²", 1),
        ("-4", 1),
        ("0", 1),
        ("3", 3),
        (3, 3),
        (str(MAX_PAGE + 1), MAX_PAGE),
        ("99999999999999999999", MAX_PAGE),
        ("9" * 5000, MAX_PAGE),
        (10**30, MAX_PAGE),
    ],
)
def test_page_number_is_always_within_range(value, expected):
    assert page_number(value) == expected


def test_query_string_ids_and_pages_are_read_strictly(app):
    with app.test_request_context(f"/?member=2147483648&plan=²&session=42&page={10**25}"):
        assert (arg_id("member"), arg_id("plan"), arg_id("session")) == (None, None, 42)
        assert arg_id("missing") is None
        assert page_arg() == MAX_PAGE


def test_nul_bytes_are_dropped_from_every_query_string_and_form(app):
    with app.test_request_context(
        "/?q=a%00b&k%00ey=1", method="POST", data={"name": "x\x00y", "note": ["a\x00", "\x00b"]}
    ) as ctx:
        request = ctx.request
        assert request.args.to_dict() == {"q": "ab", "key": "1"}
        assert request.form["name"] == "xy"
        assert request.form.getlist("note") == ["a", "b"]


def test_a_service_sees_the_form_without_its_nul_bytes(client, factories):
    member = factories.member()

    response = post_form(client, "/login", {"email": member.email + "\x00", "password": PASSWORD})

    assert response.status_code == 302  # signed in: the email was read without the NUL


def test_a_nul_byte_in_the_path_is_a_404(client):
    assert client.get("/password/reset/abc%00def").status_code == 404


class _PlanForm(FlaskForm):
    class Meta:
        csrf = False

    plan_id = IdField()


@pytest.mark.parametrize(
    ("sent", "data", "valid"),
    [
        ("12", 12, True),
        ("", None, True),
        (str(2**31), None, False),
        ("²", None, False),
        ("abc", None, False),
    ],
)
def test_an_id_field_is_an_id_or_a_field_error(app_ctx, sent, data, valid):
    form = _PlanForm(formdata=MultiDict({"plan_id": sent}))

    assert (form.validate(), form.plan_id.data) == (valid, data)
    if not valid:
        assert form.plan_id.errors == ["The form could not be read. Reload the page and try again."]


def test_select_ids_past_the_largest_are_not_ids():
    assert (to_id(str(2**31)), to_id("²"), to_id("7"), to_id("")) == (
        INVALID_ID,
        INVALID_ID,
        7,
        None,
    )
