"""Security headers, added in one place (app/core/headers.py): a report-only
Content-Security-Policy everywhere, no caching of what a signed-in person is
sent, HSTS in production only."""

from app.core.headers import CONTENT_SECURITY_POLICY
from app.core.uploads import PHOTOS

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


def test_every_response_carries_the_policy_in_report_only_mode(client):
    for path in ("/login", "/static/css/app.css", "/no-such-page"):
        headers = client.get(path).headers
        assert headers["Content-Security-Policy-Report-Only"] == POLICY == CONTENT_SECURITY_POLICY
        assert "Content-Security-Policy" not in headers  # reported, not enforced, for now


def test_signed_in_pages_are_never_stored(client, login, factories):
    login(factories.member())
    for path in ("/app/profile", "/app/schedule", "/app/offline.json", "/no-such-page"):
        response = client.get(path)
        assert response.status_code in (200, 404), path
        assert response.headers["Cache-Control"] == "private, no-store", path


def test_the_pages_the_member_app_keeps_offline_are_private_and_revalidated(
    client, login, factories
):
    login(factories.member())
    for path in ("/app/", "/app/bookings"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "private, no-cache", path


def test_an_offline_ready_page_for_someone_signed_out_is_a_redirect_not_a_copy(client):
    response = client.get("/app/bookings")

    assert response.status_code == 302
    assert "no-cache" not in response.headers.get("Cache-Control", "")


def test_a_private_file_is_never_stored(client, login, factories, app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path))
    (tmp_path / PHOTOS).mkdir()
    (tmp_path / PHOTOS / "abc.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    login(factories.member())

    response = client.get("/files/photos/abc.png")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"


def test_public_pages_and_static_assets_keep_their_caching(client, login, factories):
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")
    login(factories.member())
    static = client.get("/static/css/app.css")
    assert static.status_code == 200
    assert "no-store" not in static.headers.get("Cache-Control", "")


def test_hsts_is_sent_in_production_only(client, production_app):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    production = production_app().test_client()
    headers = production.get("/login").headers
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert headers["Content-Security-Policy-Report-Only"] == POLICY
