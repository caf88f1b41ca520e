from app.accounts.models import User
from tests.conftest import post_form


def test_login_sends_member_to_the_app(client, factories):
    member = factories.member()
    response = post_form(
        client, "/login", {"email": member.email.upper(), "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert response.location == "/app/"


def test_login_gives_the_same_message_for_unknown_email_and_wrong_password(client, factories):
    member = factories.member()
    wrong = post_form(client, "/login", {"email": member.email, "password": "nope-nope-nope"})
    unknown = post_form(client, "/login", {"email": "ghost@example.com", "password": "x" * 12})
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "The email or password is not correct." in response.get_data(as_text=True)


def test_login_without_csrf_token_is_400(client, factories):
    member = factories.member()
    response = client.post("/login", data={"email": member.email, "password": "x"})
    assert response.status_code == 400


def test_login_records_last_login(client, factories, db):
    member = factories.member()
    post_form(client, "/login", {"email": member.email, "password": "correct-horse-battery"})
    assert db.session.get(User, member.id).last_login_at is not None
