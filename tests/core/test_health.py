from redis import Redis


def test_healthz_is_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["checks"]["database"] == "ok"


def test_healthz_is_503_when_redis_is_down(app, client):
    app.extensions["cupo_redis"] = Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    try:
        response = client.get("/healthz")
    finally:
        app.extensions.pop("cupo_redis")
    assert response.status_code == 503
    assert response.json == {"status": "down", "checks": {"database": "ok", "redis": "down"}}


def test_healthz_is_200_with_redis_up(client, fake_redis):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json["checks"]["redis"] == "ok"


def test_healthz_is_503_when_the_database_is_unreachable(app, client, monkeypatch):
    from app.core import health

    monkeypatch.setattr(health, "_database_ok", lambda: False)
    assert client.get("/healthz").status_code == 503


def test_version_names_the_release(client):
    assert client.get("/version").json["version"] == "0.1.0"
