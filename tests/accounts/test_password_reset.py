"""Forgot password: the request, the emailed link, and choosing a new password."""

import base64
import json
import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from app.accounts import passwords
from app.accounts.models import User, UserStatus
from app.core.jobs import OutboxJob
from app.core.models import utc_now
from app.notifications.models import SentEmail
from tests.accounts.support import (
    audit_entries,
    count,
    emails_to,
    field_error,
    flashes,
    fresh,
    page_text,
    reset_token_in,
    sign_in,
)
from tests.conftest import PASSWORD, post_form

SENT = "If an account uses that email, we have sent it a link to choose a new password."
INVALID = "This reset link is invalid or has expired. Ask for a new one."
NEW_PASSWORD = "brand-new-password-7"


def ask_for_link(client, email: str):
    return post_form(client, "/password/forgot", {"email": email})


class Clock:
    """The time itsdangerous stamps on and checks tokens against."""

    def __init__(self):
        self.now = int(time.time())

    def advance(self, seconds: int) -> None:
        self.now += seconds


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda signer: clock.now)
    return clock


@pytest.fixture
def member(factories):
    return factories.member(email="rosa@example.com", name="Rosa Reset")


@pytest.fixture
def token(client, db, member):
    """The token of a reset link emailed to `member`."""
    ask_for_link(client, member.email)
    [email] = emails_to(db, member, "password_reset")
    return reset_token_in(email.body_text)


def choose(client, token: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    return post_form(
        client,
        f"/password/reset/{token}",
        {"password": password, "confirm": confirm or password},
        token_from="/password/forgot",  # a bad link has no form to take it from
    )


def test_forgot_password_gives_the_same_answer_when_email_is_known_or_unknown(client, member):
    answers = []
    for email in ("ROSA@example.com", "nobody@example.com"):
        response = ask_for_link(client, email)
        answers.append((response.status_code, response.location, flashes(client.get("/login"))))

    assert answers == [(302, "/login", [SENT])] * 2


def test_forgot_password_does_the_same_work_when_email_is_known_or_unknown(client, db, member):
    answers = []
    for email in ("ROSA@example.com", "nobody@example.com"):
        response = ask_for_link(client, email)
        answers.append((response.status_code, response.location, flashes(client.get("/login"))))

    jobs = db.session.scalars(select(OutboxJob).order_by(OutboxJob.id)).all()
    assert answers[0] == answers[1] == (302, "/login", [SENT])
    assert [(job.name, job.args[0]) for job in jobs] == [
        ("accounts.send_password_reset", "rosa@example.com"),
        ("accounts.send_password_reset", "nobody@example.com"),
    ]


def test_reset_token_carries_no_readable_session_token(db, member, token):
    payload = token.split(".")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))

    assert member.session_token not in decoded.decode()
    assert set(json.loads(decoded)) == {"uid", "v"}


def test_forgot_password_emails_a_link_only_when_email_is_known(client, db, member, outbox):
    emails = count(db, SentEmail)

    ask_for_link(client, "nobody@example.com")
    ask_for_link(client, "Rosa@Example.com")

    assert count(db, SentEmail) == emails + 1
    [email] = emails_to(db, member)
    assert (email.template, email.to) == ("password_reset", "rosa@example.com")
    assert [message.recipients for message in outbox] == [["rosa@example.com"]]


@pytest.mark.parametrize(
    "fields", [{"status": UserStatus.INACTIVE}, {"deleted_at": "now"}], ids=["inactive", "deleted"]
)
def test_forgot_password_emails_nothing_when_account_cannot_sign_in(
    client, db, factories, outbox, fields
):
    fields = {k: utc_now() if v == "now" else v for k, v in fields.items()}
    factories.member(email="locked@example.com", **fields)
    emails = count(db, SentEmail)

    response = ask_for_link(client, "locked@example.com")

    assert response.location == "/login"
    assert count(db, SentEmail) == emails
    assert outbox == []


def test_forgot_password_shows_a_field_error_when_email_is_malformed(client, db):
    response = ask_for_link(client, "not an email")

    assert response.status_code == 200
    assert field_error(response, "email") == "Enter a valid email address."


def test_reset_link_opens_the_form_when_fresh(client, token):
    response = client.get(f"/password/reset/{token}")

    assert response.status_code == 200
    assert "Choose a new password" in page_text(response)


def test_reset_link_sets_the_new_password_when_used(client, db, browser, member, token):
    response = choose(client, token)

    assert response.status_code == 302
    assert response.location == "/login"
    assert flashes(client.get("/login")) == ["Your password was changed. Sign in with it now."]
    saved = fresh(db, User, member.id)
    assert passwords.check_password(saved.password_hash, NEW_PASSWORD)
    assert not passwords.check_password(saved.password_hash, PASSWORD)
    sign_in(browser(), member.email, NEW_PASSWORD)


def test_reset_link_is_audited_when_used(client, db, member, token):
    choose(client, token)

    [entry] = audit_entries(db, member)
    assert (entry.action, entry.actor_id) == ("user.password_reset", member.id)


def test_reset_link_clears_a_forced_change_when_used(client, db, factories):
    user = factories.member(must_change_password=True)
    ask_for_link(client, user.email)
    [email] = emails_to(db, user, "password_reset")

    choose(client, reset_token_in(email.body_text))

    assert fresh(db, User, user.id).must_change_password is False


def test_reset_link_is_refused_when_used_a_second_time(client, db, member, token):
    client.get(choose(client, token).location)  # shows "Your password was changed."

    for again in (lambda: client.get(f"/password/reset/{token}"), lambda: choose(client, token)):
        response = again()
        assert (response.status_code, response.location) == (302, "/password/forgot")
        assert flashes(client.get(response.location)) == [INVALID]
    assert passwords.check_password(fresh(db, User, member.id).password_hash, NEW_PASSWORD)


def test_reset_link_is_refused_when_password_changed_since_it_was_sent(
    client, db, member, token, login
):
    login(member)
    post_form(
        client,
        "/password/change",
        {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )

    response = client.get(f"/password/reset/{token}")

    assert response.location == "/password/forgot"


def test_reset_link_still_works_when_59_minutes_old(client, member, token, clock):
    clock.advance(59 * 60)

    assert client.get(f"/password/reset/{token}").status_code == 200


def test_reset_link_is_refused_when_older_than_an_hour(client, db, member, token, clock):
    clock.advance(61 * 60)

    opened = client.get(f"/password/reset/{token}")
    posted = choose(client, token)

    assert opened.location == posted.location == "/password/forgot"
    assert passwords.check_password(fresh(db, User, member.id).password_hash, PASSWORD)


def test_reset_link_expiry_follows_the_configured_age_when_changed(
    app, client, member, token, clock, monkeypatch
):
    monkeypatch.setitem(app.config, "PASSWORD_RESET_MAX_AGE", 60)
    clock.advance(61)

    assert client.get(f"/password/reset/{token}").location == "/password/forgot"


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(
            lambda user: URLSafeTimedSerializer("another-secret", salt="cupo.password-reset").dumps(
                {"uid": user.id, "st": user.session_token}
            ),
            id="other-secret",
        ),
        pytest.param(
            lambda user: URLSafeTimedSerializer("test-secret-key", salt="other-salt").dumps(
                {"uid": user.id, "st": user.session_token}
            ),
            id="other-salt",
        ),
        pytest.param(
            lambda user: URLSafeTimedSerializer(
                "test-secret-key", salt="cupo.password-reset"
            ).dumps({"uid": user.id, "st": "guessed-session-token"}),
            id="wrong-session-token",
        ),
        pytest.param(
            lambda user: URLSafeTimedSerializer(
                "test-secret-key", salt="cupo.password-reset"
            ).dumps({"uid": user.id, "st": user.session_token}),
            id="old-readable-session-token",
        ),
        pytest.param(
            lambda user: URLSafeTimedSerializer(
                "test-secret-key", salt="cupo.password-reset"
            ).dumps({"uid": user.id, "v": user.session_token}),
            id="session-token-as-proof",
        ),
        pytest.param(
            lambda user: URLSafeTimedSerializer(
                "test-secret-key", salt="cupo.password-reset"
            ).dumps({"uid": str(user.id), "st": user.session_token}),
            id="uid-not-an-int",
        ),
        pytest.param(
            lambda user: URLSafeTimedSerializer(
                "test-secret-key", salt="cupo.password-reset"
            ).dumps([user.id, user.session_token]),
            id="not-a-dict",
        ),
        pytest.param(lambda user: "garbage", id="garbage"),
    ],
)
def test_reset_link_is_refused_when_token_is_forged(client, db, member, forge):
    token = forge(member)

    for attempt in (lambda: client.get(f"/password/reset/{token}"), lambda: choose(client, token)):
        response = attempt()
        assert (response.status_code, response.location) == (302, "/password/forgot")
        assert flashes(client.get(response.location)) == [INVALID]
    assert passwords.check_password(fresh(db, User, member.id).password_hash, PASSWORD)
    assert audit_entries(db, member) == []


def test_reset_link_is_refused_when_a_character_is_changed(client, member, token):
    # not the last character: in base64 its low bits may be padding
    tampered = token[:5] + ("x" if token[5] != "x" else "y") + token[6:]

    assert client.get(f"/password/reset/{tampered}").location == "/password/forgot"


def test_reset_link_is_refused_when_account_was_deactivated_since(client, db, member, token):
    member = fresh(db, User, member.id)
    member.status = UserStatus.INACTIVE
    db.session.commit()

    assert client.get(f"/password/reset/{token}").location == "/password/forgot"


@pytest.mark.parametrize(
    ("password", "confirm", "field_id", "message"),
    [
        ("brand-new-password", "brand-new-passw0rd", "confirm", "The passwords do not match."),
        ("short", "short", "password", "Use between 10 and 128 characters."),
        ("x" * 129, "x" * 129, "password", "Use between 10 and 128 characters."),
        ("", "", "password", "Choose a password."),
        ("brand-new-password", "", "confirm", "Repeat the password."),
    ],
)
def test_reset_form_shows_field_errors_when_password_is_unacceptable(
    client, db, member, token, password, confirm, field_id, message
):
    response = post_form(
        client, f"/password/reset/{token}", {"password": password, "confirm": confirm}
    )

    assert response.status_code == 200
    assert field_error(response, field_id) == message
    assert passwords.check_password(fresh(db, User, member.id).password_hash, PASSWORD)
    assert client.get(f"/password/reset/{token}").status_code == 200  # still usable


def test_reset_signs_out_sessions_that_were_open_when_used(client, db, browser, member, token):
    their_phone = browser()
    sign_in(their_phone, member.email)
    assert their_phone.get("/app/").status_code == 200

    choose(client, token)

    assert their_phone.get("/app/").location.startswith("/login")


def test_reset_job_queued_before_the_change_still_emails_the_user_by_id(app, db, member, outbox):
    from app.accounts.services import accounts
    from app.notifications.services import new_key

    with app.test_request_context():
        accounts.send_password_reset(member.id, new_key())

    [email] = emails_to(db, member, "password_reset")
    assert email.to == "rosa@example.com"
    assert [message.recipients for message in outbox] == [["rosa@example.com"]]
