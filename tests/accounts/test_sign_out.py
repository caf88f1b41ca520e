"""Signing out ends that sign-in on the server: its session and remember-me
cookies stop working anywhere, while the member's other devices stay in
until the member signs out everywhere."""

from datetime import timedelta

import pytest

from app.accounts.models import EndedSignIn, User
from app.accounts.passwords import check_password
from app.accounts.services import accounts
from app.core.models import utc_now
from tests.accounts.support import audit_actions, count, flashes, fresh, sign_in
from tests.conftest import PASSWORD, csrf_token, post_form

NEW = "a-brand-new-secret-9"


@pytest.fixture
def member(factories):
    return factories.member()


def signed_in_cookies(client, email: str) -> dict:
    """Sign in with remember me; the cookies and a CSRF token of that sign-in."""
    sign_in(client, email, remember="y")
    token = csrf_token(client, "/app/")  # kept in the session cookie read next
    return {
        "session": client.get_cookie("session").value,
        "remember_token": client.get_cookie("remember_token").value,
        "csrf": token,
    }


def replaying(browser, cookies: dict, *names: str):
    """Another browser that sends only the named cookies of an old sign-in."""
    replay = browser()
    for name in names:
        replay.set_cookie(name, cookies[name])
    return replay


def change_password_with(client, token: str):
    return client.post(
        "/password/change",
        data={"csrf_token": token, "current_password": PASSWORD, "password": NEW, "confirm": NEW},
    )


@pytest.mark.parametrize(
    "names", [("session",), ("remember_token",), ("session", "remember_token")]
)
def test_cookies_of_a_signed_out_sign_in_send_to_sign_in_when_replayed(
    client, browser, db, member, names
):
    old = signed_in_cookies(client, member.email)
    post_form(client, "/logout", token_from="/app/")
    replay = replaying(browser, old, *names)
    # without the old session, the replaying browser gets a CSRF token of its own
    token = old["csrf"] if "session" in names else csrf_token(replay, "/password/forgot")

    write = change_password_with(replay, token)
    read = replay.get("/app/")

    assert read.status_code == 302 and read.location.startswith("/login")
    assert write.status_code == 302 and write.location.startswith("/login")
    user = fresh(db, User, member.id)
    assert check_password(user.password_hash, PASSWORD)
    assert "user.password_changed" not in audit_actions(db, member)


def test_cookies_of_a_sign_in_work_when_replayed_before_it_signs_out(client, browser, member):
    old = signed_in_cookies(client, member.email)

    assert replaying(browser, old, "remember_token").get("/app/").status_code == 200
    assert replaying(browser, old, "session").get("/app/").status_code == 200


def test_sign_out_keeps_the_members_other_devices_signed_in(client, browser, member):
    phone = browser()
    phone_cookies = signed_in_cookies(phone, member.email)
    sign_in(client, member.email, remember="y")

    post_form(client, "/logout", token_from="/app/")

    assert phone.get("/app/").status_code == 200
    assert replaying(browser, phone_cookies, "remember_token").get("/app/").status_code == 200
    assert client.get("/app/").location.startswith("/login")


def test_sign_out_everywhere_ends_every_sign_in_of_the_account(client, browser, db, member):
    phone = browser()
    phone_cookies = signed_in_cookies(phone, member.email)
    sign_in(client, member.email)

    response = post_form(client, "/logout/everywhere", token_from="/password/change")

    assert response.location == "/login"
    assert flashes(client.get("/login")) == ["You have signed out on every device."]
    assert client.get("/app/").location.startswith("/login")
    assert phone.get("/app/").location.startswith("/login")
    assert (
        replaying(browser, phone_cookies, "remember_token")
        .get("/app/")
        .location.startswith("/login")
    )
    assert "user.signed_out_everywhere" in audit_actions(db, member)


def test_sign_out_everywhere_is_offered_on_the_change_password_page(client, member):
    sign_in(client, member.email)

    page = client.get("/password/change").get_data(as_text=True)

    assert 'action="/logout/everywhere"' in page


def test_sign_in_older_than_the_remember_duration_is_refused(app, client, clock, member):
    sign_in(client, member.email, remember="y")
    lifetime = timedelta(seconds=app.config["REMEMBER_COOKIE_DURATION"])

    clock(utc_now() + lifetime + timedelta(minutes=1))

    assert client.get("/app/").location.startswith("/login")


def test_housekeeping_forgets_ended_sign_ins_once_no_cookie_can_hold_them(
    app, client, clock, db, member
):
    sign_in(client, member.email)
    post_form(client, "/logout", token_from="/app/")
    assert count(db, EndedSignIn) == 1
    lifetime = timedelta(seconds=app.config["REMEMBER_COOKIE_DURATION"])

    clock(utc_now() + lifetime - timedelta(hours=1))
    with app.app_context():
        accounts.purge_ended_sign_ins()
    kept = count(db, EndedSignIn)
    clock(utc_now() + timedelta(hours=2))
    with app.app_context():
        accounts.purge_ended_sign_ins()

    assert kept == 1
    assert count(db, EndedSignIn) == 0
