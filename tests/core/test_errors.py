"""Error pages are styled, translated and never leak a traceback."""

import pytest

from app import create_app


@pytest.fixture
def broken_app(app):
    broken = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])

    @broken.get("/explode")
    def explode():
        raise RuntimeError("kaboom")

    return broken


def test_unhandled_error_renders_the_500_page(broken_app):
    client = broken_app.test_client()
    client.set_cookie("cupo_lang", "en")
    response = client.get("/explode")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert "kaboom" not in html and "Traceback" not in html


def test_500_page_is_in_spanish_by_default(broken_app):
    html = broken_app.test_client().get("/explode").get_data(as_text=True)
    assert '<html lang="es">' in html


def test_unknown_page_renders_the_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_wrong_method_renders_the_405_page(client):
    response = client.get("/logout")
    assert response.status_code == 405
    assert "available here" in response.get_data(as_text=True)


def test_post_without_csrf_token_renders_the_400_page(client):
    response = client.post("/password/forgot", data={"email": "a@example.com"})
    assert response.status_code == 400
    assert "The form expired or was sent twice." in response.get_data(as_text=True)


def test_responses_carry_security_headers(client):
    headers = client.get("/login").headers
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
