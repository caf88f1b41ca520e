"""The signed-in session: remember me, renewal at sign-in, sign-out, redirects."""

import pytest

from app.accounts.models import User
from tests.accounts.support import flashes, fresh, page_text, sign_in
from tests.conftest import PASSWORD, csrf_token, post_form


@pytest.fixture
def member(factories):
    return factories.member()


def set_cookie_names(response) -> list[str]:
    return [header.split("=", 1)[0] for header in response.headers.getlist("Set-Cookie")]


def test_remember_me_sets_a_lasting_cookie_when_ticked(client, member):
    response = sign_in(client, member.email, remember="y")

    assert "remember_token" in set_cookie_names(response)
    cookie = client.get_cookie("remember_token")
    assert cookie is not None and cookie.http_only
    assert cookie.expires is not None


def test_remember_me_sets_no_lasting_cookie_when_not_ticked(client, member):
    response = sign_in(client, member.email)

    assert "remember_token" not in set_cookie_names(response)
    assert client.get_cookie("remember_token") is None


def test_remember_cookie_brings_the_user_back_when_the_session_cookie_is_gone(client, member):
    sign_in(client, member.email, remember="y")

    client.delete_cookie("session")

    assert client.get("/app/").status_code == 200


def test_remember_cookie_stops_working_when_the_password_was_changed_elsewhere(
    client, browser, member
):
    sign_in(client, member.email, remember="y")
    other = browser()
    sign_in(other, member.email)
    post_form(
        other,
        "/password/change",
        {
            "current_password": PASSWORD,
            "password": "new-password-123",
            "confirm": "new-password-123",
        },
    )

    client.delete_cookie("session")

    assert client.get("/app/").location.startswith("/login")


def test_sign_in_starts_a_new_session_when_one_existed_before(client, member):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    before = client.get_cookie("session").value

    sign_in(client, member.email)

    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"].startswith(f"{member.id}:{member.session_token}:")
    assert client.get_cookie("session").value != before


def test_sign_in_sends_to_the_next_page_when_it_is_on_this_site(client, member):
    response = post_form(
        client,
        "/login?next=/app/profile",
        {"email": member.email, "password": PASSWORD},
        token_from="/login",
    )

    assert response.location == "/app/profile"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_sign_in_ignores_the_next_page_when_it_leaves_the_site(client, member, target):
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": member.email, "password": PASSWORD, "csrf_token": csrf_token(client)},
    )

    assert response.location == "/app/"


def test_protected_page_sends_to_sign_in_with_next_when_signed_out(client):
    response = client.get("/app/profile")

    assert response.status_code == 302
    assert response.location == "/login?next=%2Fapp%2Fprofile"
    assert flashes(client.get(response.location)) == ["Please sign in to open this page."]


def test_login_page_sends_home_when_already_signed_in(client, member):
    sign_in(client, member.email)

    assert client.get("/login").location == "/app/"


def test_sign_in_records_the_time_when_it_works(client, db, member):
    sign_in(client, member.email)

    assert fresh(db, User, member.id).last_login_at is not None


def test_sign_out_answers_405_when_requested_with_get(client, member):
    sign_in(client, member.email)

    response = client.get("/logout")

    assert response.status_code == 405
    assert client.get("/app/").status_code == 200


def test_sign_out_is_refused_when_csrf_token_is_missing(client, member):
    sign_in(client, member.email)

    response = client.post("/logout")

    assert response.status_code == 400
    assert "The form expired or was sent twice. Please try again." in page_text(response)
    assert client.get("/app/").status_code == 200


def test_sign_out_ends_the_session_when_posted_with_csrf(client, member):
    sign_in(client, member.email)

    response = post_form(client, "/logout", token_from="/app/")

    assert response.status_code == 302
    assert response.location == "/login"
    assert response.headers["Clear-Site-Data"] == '"cache"'  # the private pages it kept
    assert flashes(client.get("/login")) == ["You have signed out."]
    assert client.get("/app/").location.startswith("/login")


def test_sign_out_forgets_the_device_when_remember_me_was_ticked(client, member):
    sign_in(client, member.email, remember="y")

    response = post_form(client, "/logout", token_from="/app/")

    assert "remember_token" in set_cookie_names(response)  # deleted by an expired cookie
    assert client.get_cookie("remember_token") is None
    assert client.get("/app/").location.startswith("/login")
