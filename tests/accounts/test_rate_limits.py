"""Sign-in and password-reset attempts are rate limited per email and per IP;
failed password changes per user."""

import itertools

import pytest

from tests.accounts.support import page_text
from tests.conftest import PASSWORD, post_form

WRONG = "not-the-password"


def attempt(client, email: str, password: str = WRONG, ip: str = "203.0.113.7"):
    return post_form(
        client,
        "/login",
        {"email": email, "password": password},
        environ_base={"REMOTE_ADDR": ip},
    )


def assert_too_many(response, within_seconds: int):
    assert response.status_code == 429
    assert "Too many attempts" in page_text(response)
    assert 0 < int(response.headers["Retry-After"]) <= within_seconds


@pytest.fixture
def member(factories):
    return factories.member(email="lim@example.com")


def test_login_answers_429_when_one_email_failed_five_times(client, member):
    answers = [attempt(client, member.email).status_code for _ in range(5)]

    sixth = attempt(client, member.email)

    assert answers == [200] * 5
    assert_too_many(sixth, 600)


def test_login_refuses_even_the_right_password_when_the_email_is_limited(client, member):
    for _ in range(5):
        attempt(client, member.email)

    response = attempt(client, member.email, PASSWORD)

    assert response.status_code == 429
    assert client.get("/app/").location.startswith("/login")


def test_login_limit_per_email_ignores_case_and_spaces_when_counting(client, member):
    for variant in ("lim@example.com", "LIM@example.com", " Lim@Example.Com ", "lim@EXAMPLE.com"):
        attempt(client, variant)
    attempt(client, "lim@example.COM")

    assert attempt(client, "LIM@EXAMPLE.COM").status_code == 429


def test_login_limit_per_email_holds_when_attempts_come_from_many_ips(client, member):
    for number in range(5):
        attempt(client, member.email, ip=f"198.51.100.{number}")

    assert attempt(client, member.email, ip="198.51.100.99").status_code == 429


def test_login_limit_per_email_does_not_count_successful_sign_ins(client, browser, member):
    for _ in range(6):
        assert attempt(browser(), member.email, PASSWORD).status_code == 302

    assert attempt(client, member.email).status_code == 200


def test_login_allows_another_email_from_the_same_ip_when_one_email_is_limited(
    client, factories, member
):
    other = factories.member()
    for _ in range(5):
        attempt(client, member.email)

    response = attempt(client, other.email, PASSWORD)

    assert response.status_code == 302


def test_login_answers_429_when_one_ip_tried_too_many_emails(client, app):
    # LOGIN_LIMIT_PER_IP defaults to 20 per 10 minutes
    answers = [attempt(client, f"guess{number}@example.com").status_code for number in range(20)]

    from_that_ip = attempt(client, "guess-more@example.com")
    from_elsewhere = attempt(client, "guess-more@example.com", ip="192.0.2.50")

    assert app.config["LOGIN_LIMIT_PER_IP"] == "20 per 10 minutes"
    assert answers == [200] * 20
    assert_too_many(from_that_ip, 600)
    assert from_elsewhere.status_code == 200


def test_login_limits_follow_the_configuration_when_changed(client, app, member, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_EMAIL", "2 per minute")

    answers = [attempt(client, member.email).status_code for _ in range(3)]

    assert answers == [200, 200, 429]
    assert int(attempt(client, member.email).headers["Retry-After"]) <= 60


def test_login_page_is_not_limited_when_only_opened(client, member):
    for _ in range(5):
        attempt(client, member.email)

    assert [client.get("/login").status_code for _ in range(10)] == [200] * 10


def test_forgot_password_answers_429_when_asked_too_often(client, member):
    def ask():
        return post_form(
            client,
            "/password/forgot",
            {"email": "someone@example.com"},
            environ_base={"REMOTE_ADDR": "203.0.113.9"},
        )

    answers = [ask().status_code for _ in range(5)]

    assert answers == [302] * 5
    assert_too_many(ask(), 3600)


def test_reset_form_answers_429_when_posted_too_often(client):
    def post():
        return post_form(
            client,
            "/password/reset/not-a-token",
            {"password": "whatever-password", "confirm": "whatever-password"},
            token_from="/login",
        )

    answers = [post().status_code for _ in range(5)]

    assert answers == [302] * 5
    assert post().status_code == 429


def test_login_lets_a_device_that_signed_in_before_in_when_the_email_is_limited(
    client, browser, member
):
    owner = browser()
    attempt(owner, member.email, PASSWORD)
    post_form(owner, "/logout", token_from="/app/")
    for _ in range(5):
        attempt(client, member.email)  # an attacker who knows the email

    from_attacker = attempt(client, member.email, PASSWORD)
    from_owner = attempt(owner, member.email, PASSWORD)

    assert from_attacker.status_code == 429
    assert from_owner.status_code == 302
    assert owner.get("/app/").status_code == 200


def test_login_sets_a_lasting_signed_device_cookie_when_it_works(client, member):
    attempt(client, member.email, PASSWORD)

    cookie = client.get_cookie("cupo_device")
    assert cookie is not None and cookie.http_only and cookie.expires is not None


@pytest.mark.parametrize("device", ["other-account", "forged"])
def test_login_keeps_the_email_limit_for_a_device_of_another_account_or_forged(
    client, browser, factories, member, device
):
    other = factories.member()
    stranger = browser()
    attempt(stranger, other.email, PASSWORD)
    post_form(stranger, "/logout", token_from="/app/")
    if device == "forged":
        stranger.set_cookie("cupo_device", f'{{"uid":{member.id}}}.forged.signature')
    for _ in range(5):
        attempt(client, member.email)

    assert attempt(stranger, member.email, PASSWORD).status_code == 429


def change_password(client, current: str):
    return post_form(
        client,
        "/password/change",
        {
            "current_password": current,
            "password": "a-new-password-77",
            "confirm": "a-new-password-77",
        },
    )


def test_password_change_answers_429_after_five_wrong_current_passwords(
    app, client, db, login, member
):
    from app.accounts import passwords
    from app.accounts.models import User

    login(member)
    answers = [change_password(client, f"guess-{number}").status_code for number in range(5)]

    sixth = change_password(client, PASSWORD)  # even the right one, while limited

    assert app.config["PASSWORD_CHANGE_LIMIT"] == "5 per 10 minutes"
    assert answers == [200] * 5
    assert_too_many(sixth, 600)
    assert passwords.check_password(db.session.get(User, member.id).password_hash, PASSWORD)


def test_password_change_does_not_count_changes_that_succeed(client, login, member):
    login(member)
    passwords = [PASSWORD, *(f"a-new-password-{number}" for number in range(6))]
    answers = []
    for current, new in itertools.pairwise(passwords):
        answers.append(
            post_form(
                client,
                "/password/change",
                {"current_password": current, "password": new, "confirm": new},
            ).status_code
        )

    assert answers == [302] * 6


def test_password_change_limit_counts_each_user_alone(client, factories, login, member):
    login(member)
    for number in range(5):
        change_password(client, f"guess-{number}")

    login(factories.member())

    assert change_password(client, PASSWORD).status_code == 302
