"""The member app's service worker and offline page, as the browser fetches them."""

import json
import re

WORKER = "/app/sw.js"


def _constant(script: str, name: str):
    return json.loads(re.search(rf"const {name} = (.*);", script).group(1))


def test_the_worker_is_served_for_the_member_apps_scope_and_never_cached(client, db):
    response = client.get(WORKER)

    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/app/"
    assert "no-cache" in response.headers["Cache-Control"]


def test_the_worker_precaches_the_shell_by_hashed_names_that_all_exist(client, db):
    script = client.get(WORKER).get_data(as_text=True)

    shell = _constant(script, "SHELL")
    offline = _constant(script, "OFFLINE")
    assert any(re.search(r"/css/app\.[0-9a-f]{12}\.css$", url) for url in shell), shell
    assert set(offline) == {"en", "es"}
    for url in [*shell, *offline.values()]:
        assert client.get(url).status_code == 200, url
    never = _constant(script, "NEVER")
    assert {"/admin", "/trainer", "/desk", "/api/"} <= set(never)


def test_a_new_release_is_a_new_cache(app, client, db, monkeypatch):
    before = _constant(client.get(WORKER).get_data(as_text=True), "VERSION")

    monkeypatch.setitem(app.config, "GIT_SHA", "0123abc")

    after = _constant(client.get(WORKER).get_data(as_text=True), "VERSION")
    assert before != after and after.startswith("cupo-")


def test_the_offline_page_speaks_each_language_and_is_the_same_signed_in(
    client, db, factories, login
):
    english = client.get("/app/offline?lang=en").get_data(as_text=True)
    spanish = client.get("/app/offline?lang=es").get_data(as_text=True)
    unknown = client.get("/app/offline?lang=xx")

    assert "You're offline" in english.replace("&#39;", "'")
    assert "Estás sin conexión" in spanish
    assert unknown.status_code == 200
    login(factories.member())
    signed_in = client.get("/app/offline?lang=es")
    assert "no-store" not in signed_in.headers["Cache-Control"]  # the worker may keep it


def test_the_offline_page_names_no_member_and_leaves_their_messages_for_later(
    client, db, factories, login
):
    member = factories.member(name="Marta Pending")
    login(member)
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Your spot is booked.")]

    page = client.get("/app/offline?lang=en").get_data(as_text=True)

    assert "Your spot is booked." not in page
    assert "Marta" not in page
    assert 'name="cupo-member"' not in page
    assert 'href="/app/bookings"' in page  # the stored pages are one tap away
    assert "Your spot is booked." in client.get("/app/profile").get_data(as_text=True)
