"""Configuration: safe defaults, and production refuses unsafe ones."""

import os
import re
import subprocess

import pytest

from app import create_app
from app.config import ROOT, DevelopmentConfig, ProductionConfig, TestingConfig, config_for


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set in production"):
        create_app("production")


def test_production_session_cookie_is_secure_httponly_and_lax(production_app):
    production = production_app()
    assert production.config["SECRET_KEY"] == "p" * 40
    client = production.test_client()
    set_cookie = client.get("/login").headers["Set-Cookie"]
    assert set_cookie.startswith("__Host-session=") and "Path=/" in set_cookie
    assert "Domain" not in set_cookie
    assert client.get_cookie("session") is None
    cookie = client.get_cookie("__Host-session")  # kept only if Secure, Path=/, no Domain
    assert cookie is not None
    assert (cookie.secure, cookie.http_only, cookie.same_site) == (True, True, "Lax")
    assert production.config["REMEMBER_COOKIE_SECURE"] is True
    assert production.config["REMEMBER_COOKIE_NAME"] == "__Host-remember_token"


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


def test_no_cupo_env_is_refused_outside_the_flask_command(monkeypatch):
    """gunicorn (or a worker) with CUPO_ENV unset must not quietly run development."""
    for name in ("CUPO_ENV", "FLASK_ENV", "FLASK_RUN_FROM_CLI"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(RuntimeError, match="CUPO_ENV must be one of"):
        config_for(None)
    monkeypatch.setenv("CUPO_ENV", "prod")  # a typo is not development either
    with pytest.raises(RuntimeError, match="it is prod"):
        config_for(None)


def test_the_flask_command_and_cupo_env_pick_the_config(monkeypatch):
    for name in ("CUPO_ENV", "FLASK_ENV"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")  # what `flask …` sets
    assert config_for(None) is DevelopmentConfig
    monkeypatch.setenv("CUPO_ENV", "production")
    assert config_for(None) is ProductionConfig
    assert config_for("testing") is TestingConfig


def test_procfile_runs_production_and_bin_dev_asks_for_development():
    procfile = (ROOT / "Procfile").read_text().splitlines()
    assert procfile and all(
        " CUPO_ENV=production " in f" {line.partition(':')[2]} " for line in procfile
    )
    assert "export CUPO_ENV=development" in (ROOT / "bin" / "dev").read_text()
    assert "export CUPO_ENV=testing" in (ROOT / "bin" / "test").read_text()


def _dev_base_url(**env) -> str:
    """BASE_URL as bin/dev's own lines set it (from `PORT=` to `export BASE_URL`)."""
    lines = re.search(
        r"^PORT=.*?^export BASE_URL$", (ROOT / "bin" / "dev").read_text(), re.M | re.S
    )
    assert lines, "bin/dev no longer sets PORT then BASE_URL"
    script = lines[0] + '\nprintf %s "$BASE_URL"'
    clean = {k: v for k, v in os.environ.items() if k not in ("PORT", "BASE_URL")}
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_bin_dev_points_base_url_at_its_own_port_unless_told():
    assert _dev_base_url() == "http://127.0.0.1:5000"
    assert _dev_base_url(PORT="5055") == "http://127.0.0.1:5055"
    assert _dev_base_url(PORT="5055", BASE_URL="https://gym.example") == "https://gym.example"
