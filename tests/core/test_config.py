"""Configuration: safe defaults, and production refuses unsafe ones."""

import pytest

from app import create_app


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set in production"):
        create_app("production")


def test_production_session_cookie_is_secure_httponly_and_lax(production_app):
    production = production_app()
    assert production.config["SECRET_KEY"] == "s" * 40
    client = production.test_client()
    client.get("/login")
    cookie = client.get_cookie("session")
    assert cookie is not None
    assert (cookie.secure, cookie.http_only, cookie.same_site) == (True, True, "Lax")
    assert production.config["REMEMBER_COOKIE_SECURE"] is True


def test_production_refuses_to_start_with_rate_limits_counted_in_memory(app, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    with pytest.raises(RuntimeError, match="REDIS_URL must be set in production"):
        create_app(
            "production",
            SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
            RATELIMIT_STORAGE_URI="memory://",
        )


def test_production_starts_with_rate_limits_counted_in_redis(production_app):
    production = production_app(RATELIMIT_STORAGE_URI="redis://redis.internal:6379/0")

    assert production.config["RATELIMIT_STORAGE_URI"] == "redis://redis.internal:6379/0"


def test_development_keeps_a_generated_secret_key_between_starts(monkeypatch, tmp_path):
    from app import config

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr(config, "INSTANCE", tmp_path)
    first = create_app("development", SQLALCHEMY_DATABASE_URI="sqlite://")
    second = create_app("development", SQLALCHEMY_DATABASE_URI="sqlite://")
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
