"""Which language pages are shown in: gym default, cookie, the user's choice.

These check the mechanism (the `lang` of the page), not translated wording,
so they hold whatever the catalogues contain.
"""

import pytest

from app.accounts.models import User
from app.settings.models import DEFAULTS, GymSettings
from tests.accounts.support import emails_to, fresh, html_lang, page_text, sign_in
from tests.conftest import csrf_token, post_form


def choose_language(client, language: str, next_path: str | None = None):
    data = {"language": language, "csrf_token": csrf_token(client, "/password/forgot")}
    if next_path is not None:
        data["next"] = next_path
    return client.post("/language", data=data)


@pytest.fixture
def anonymous(browser):
    """A browser that never chose a language."""
    return browser(None)


def test_pages_are_in_spanish_when_no_language_was_chosen(anonymous):
    assert html_lang(anonymous.get("/login")) == "es"


def test_login_page_reads_in_spanish_when_no_language_was_chosen(anonymous, browser):
    spanish = page_text(anonymous.get("/login"))
    english = page_text(browser("en").get("/login"))

    assert "Iniciar sesión" in spanish and "Sign in to your account" not in spanish
    assert "Sign in to your account" in english


def test_pages_follow_the_gym_default_when_no_language_was_chosen(anonymous, db):
    db.session.add(GymSettings(id=1, **dict(DEFAULTS, default_language="en")))
    db.session.commit()

    assert html_lang(anonymous.get("/login")) == "en"


def test_choosing_english_sets_a_cookie_when_signed_out(anonymous):
    response = choose_language(anonymous, "en")

    assert response.status_code == 302
    cookie = anonymous.get_cookie("cupo_lang")
    assert cookie is not None and cookie.value == "en"
    assert html_lang(anonymous.get("/login")) == "en"


def test_choosing_spanish_again_switches_back_when_english_was_chosen(anonymous):
    choose_language(anonymous, "en")

    choose_language(anonymous, "es")

    assert html_lang(anonymous.get("/login")) == "es"


def test_choosing_a_language_returns_to_the_page_when_next_is_on_this_site(anonymous):
    response = choose_language(anonymous, "en", next_path="/password/forgot?x=1")

    assert response.location == "/password/forgot?x=1"


@pytest.mark.parametrize("next_path", ["https://evil.example/", "//evil.example", ""])
def test_choosing_a_language_goes_to_the_start_when_next_leaves_the_site(anonymous, next_path):
    response = choose_language(anonymous, "en", next_path=next_path)

    assert response.location == "/"


def test_unknown_language_is_ignored_when_posted(anonymous):
    response = choose_language(anonymous, "fr")

    assert response.status_code == 302
    assert anonymous.get_cookie("cupo_lang") is None
    assert html_lang(anonymous.get("/login")) == "es"


def test_choosing_a_language_is_refused_when_csrf_token_is_missing(anonymous):
    response = anonymous.post("/language", data={"language": "en"})

    assert response.status_code == 400
    assert anonymous.get_cookie("cupo_lang") is None


def test_signed_in_choice_is_stored_on_the_user_when_made(anonymous, db, factories):
    member = factories.member()
    sign_in(anonymous, member.email)

    choose_language(anonymous, "en")

    assert fresh(db, User, member.id).language == "en"


def test_users_stored_language_wins_over_the_cookie_when_signed_in(anonymous, db, factories):
    member = factories.member(language="en")
    sign_in(anonymous, member.email)

    anonymous.set_cookie("cupo_lang", "es")

    assert html_lang(anonymous.get("/app/")) == "en"


def test_users_choice_follows_them_to_another_browser_when_signed_in(browser, factories):
    member = factories.member()
    first = browser(None)
    sign_in(first, member.email)
    choose_language(first, "en")

    second = browser(None)
    sign_in(second, member.email)

    assert html_lang(second.get("/app/")) == "en"


@pytest.mark.parametrize(("stored", "expected"), [("en", "en"), ("es", "es"), (None, "es")])
def test_emails_use_the_users_language_else_the_gyms_when_sent(
    client, db, factories, stored, expected
):
    member = factories.member(language=stored)

    post_form(client, "/password/forgot", {"email": member.email})

    [email] = emails_to(db, member)
    assert email.language == expected
