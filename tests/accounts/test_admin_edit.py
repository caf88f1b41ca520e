"""Admin edits accounts: profile, role, status, deletion, new passwords."""

import pytest

from app.accounts import passwords
from app.accounts.models import Role, User, UserStatus
from app.accounts.services import accounts
from app.accounts.services.accounts import AccountError
from app.core.audit import AuditEntry
from app.core.errors import AccessDenied
from app.notifications.models import SentEmail
from tests.accounts.support import (
    audit_actions,
    audit_entries,
    count,
    emails_to,
    field_error,
    flashes,
    fresh,
    listed_user_ids,
    page_text,
    sign_in,
    temporary_password_in,
)
from tests.conftest import PASSWORD, post_form

LAST_ADMIN = "The gym needs at least one active admin."


def profile(user, **changes) -> dict:
    data = {
        "name": user.name,
        "email": user.email,
        "phone": user.phone or "",
        "role": user.role.value,
        "language": user.language or "",
    }
    data.update(changes)
    return data


def edit(client, user, **changes):
    return post_form(client, f"/admin/users/{user.id}", profile(user, **changes))


def act(client, user, action: str, **kw):
    """Press one of the action buttons on the edit page."""
    return post_form(
        client, f"/admin/users/{user.id}/{action}", token_from="/admin/users/new", **kw
    )


@pytest.fixture
def signed_in(browser):
    """A browser signed in as `user`."""

    def make(user):
        client = browser()
        sign_in(client, user.email)
        return client

    return make


# --- profile and role ------------------------------------------------------------------


def test_edit_form_shows_the_stored_values_when_opened(as_admin, factories):
    trainer = factories.trainer(name="Tomás Trainer", phone="555 0101", language="en")

    response = as_admin.get(f"/admin/users/{trainer.id}")

    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Tomás Trainer"' in body
    assert f'value="{trainer.email}"' in body
    assert 'value="555 0101"' in body
    assert '<option selected value="trainer">' in body
    assert '<option selected value="en">' in body


def test_edit_saves_the_profile_when_input_is_valid(as_admin, db, factories, admin):
    member = factories.member()

    response = edit(as_admin, member, name="Mara Renamed", email="Mara@Example.com", phone="1234")

    assert response.status_code == 302
    assert response.location == f"/admin/users/{member.id}"
    assert flashes(as_admin.get(response.location)) == ["Changes saved."]
    saved = fresh(db, User, member.id)
    assert (saved.name, saved.email, saved.phone) == ("Mara Renamed", "mara@example.com", "1234")
    [entry] = audit_entries(db, member)
    assert (entry.action, entry.actor_id) == ("user.updated", admin.id)
    assert entry.before["name"] == member.name
    assert entry.after["name"] == "Mara Renamed"


def test_edit_writes_no_audit_entry_when_nothing_changed(as_admin, db, factories):
    member = factories.member()

    edit(as_admin, member)

    assert audit_entries(db, member) == []


def test_role_change_is_audited_with_before_and_after_when_admin_changes_role(
    as_admin, db, factories, admin
):
    member = factories.member()

    edit(as_admin, member, role="trainer")

    assert fresh(db, User, member.id).role is Role.TRAINER
    [entry] = audit_entries(db, member, "user.role_changed")
    assert entry.actor_id == admin.id
    assert (entry.before, entry.after) == ({"role": "member"}, {"role": "trainer"})


def test_role_change_signs_out_the_changed_user_when_they_were_signed_in(
    as_admin, db, factories, signed_in
):
    member = factories.member()
    their_browser = signed_in(member)
    token = member.session_token

    edit(as_admin, member, role="trainer")

    assert fresh(db, User, member.id).session_token != token
    response = their_browser.get("/trainer/")
    assert response.status_code == 302
    assert response.location.startswith("/login")


def test_profile_change_keeps_the_user_signed_in_when_role_is_unchanged(
    as_admin, factories, signed_in
):
    member = factories.member()
    their_browser = signed_in(member)

    edit(as_admin, member, name="Still Member")

    assert their_browser.get("/app/").status_code == 200


def test_edit_refuses_an_email_of_another_account_whatever_its_case(as_admin, db, factories):
    factories.member(email="taken@example.com")
    member = factories.member()

    response = edit(as_admin, member, email="TAKEN@example.com", name="Changed")

    assert response.status_code == 200
    assert field_error(response, "email") == "An account with this email already exists."
    assert fresh(db, User, member.id).name == member.name
    assert audit_entries(db, member) == []


@pytest.mark.parametrize(
    ("changes", "field_id", "message"),
    [
        ({"name": ""}, "name", "Enter the person's name."),
        ({"name": "x" * 121}, "name", "Use at most 120 characters."),
        ({"email": "nope"}, "email", "Enter a valid email address."),
        ({"role": "root"}, "role", "Not a valid choice."),
    ],
)
def test_edit_shows_field_errors_when_input_is_bad(
    as_admin, db, factories, changes, field_id, message
):
    member = factories.member()

    response = edit(as_admin, member, **changes)

    assert response.status_code == 200
    assert field_error(response, field_id) == message
    saved = fresh(db, User, member.id)
    assert (saved.name, saved.email, saved.role) == (member.name, member.email, Role.MEMBER)


def test_demoting_the_last_active_admin_is_refused_when_no_other_admin_exists(as_admin, db, admin):
    entries = count(db, AuditEntry)

    response = edit(as_admin, admin, role="front_desk")

    assert response.status_code == 200
    assert field_error(response, "role") == LAST_ADMIN
    assert fresh(db, User, admin.id).role is Role.ADMIN
    assert count(db, AuditEntry) == entries


def test_demoting_the_last_active_admin_is_refused_when_the_other_admins_are_inactive(
    as_admin, db, factories, admin
):
    factories.admin(status=UserStatus.INACTIVE)

    response = edit(as_admin, admin, role="member")

    assert field_error(response, "role") == LAST_ADMIN
    assert fresh(db, User, admin.id).role is Role.ADMIN


def test_demoting_an_admin_is_allowed_when_another_active_admin_exists(as_admin, db, factories):
    other = factories.admin()

    response = edit(as_admin, other, role="member")

    assert response.status_code == 302
    assert fresh(db, User, other.id).role is Role.MEMBER


@pytest.mark.parametrize(
    "operation",
    [
        pytest.param(
            lambda uid, actor: accounts.set_account_status(uid, UserStatus.INACTIVE, actor=actor),
            id="deactivate",
        ),
        pytest.param(accounts.delete_account, id="delete"),
    ],
)
def test_last_active_admin_cannot_be_removed_when_someone_else_asks(app, db, factories, operation):
    # Over HTTP the only active admin is always the one asking (and "not
    # yourself" answers first); the service still guards the rule itself.
    admin = factories.admin()
    retired = factories.admin(status=UserStatus.INACTIVE)  # e.g. a script's actor

    english = app.test_request_context(headers={"Cookie": "cupo_lang=en"})
    with english, pytest.raises(AccountError) as refused:
        operation(admin.id, actor=retired)

    assert str(refused.value) == LAST_ADMIN
    saved = fresh(db, User, admin.id)
    assert saved.is_active and not saved.is_deleted


# --- deactivate and reactivate --------------------------------------------------------


def test_deactivate_locks_the_account_when_admin_asks(as_admin, db, factories, admin):
    member = factories.member()

    response = act(as_admin, member, "deactivate", follow_redirects=True)

    assert flashes(response) == ["The account was deactivated."]
    assert fresh(db, User, member.id).status is UserStatus.INACTIVE
    [entry] = audit_entries(db, member)
    assert (entry.action, entry.actor_id, entry.after) == (
        "user.deactivated",
        admin.id,
        {"status": "inactive"},
    )


def test_deactivate_signs_the_user_out_when_they_were_signed_in(as_admin, factories, signed_in):
    member = factories.member()
    their_browser = signed_in(member)

    act(as_admin, member, "deactivate")

    assert their_browser.get("/app/").location.startswith("/login")


def test_sign_in_is_refused_when_account_is_deactivated(as_admin, browser, factories):
    member = factories.member()
    act(as_admin, member, "deactivate")

    response = post_form(browser(), "/login", {"email": member.email, "password": PASSWORD})

    assert response.status_code == 200
    assert "The email or password is not correct." in page_text(response)


def test_deactivate_is_refused_when_admin_targets_themselves(as_admin, db, admin, factories):
    factories.admin()  # another admin exists: the refusal is about "yourself"

    response = act(as_admin, admin, "deactivate", follow_redirects=True)

    assert flashes(response) == ["You cannot deactivate your own account."]
    assert fresh(db, User, admin.id).is_active
    assert audit_entries(db, admin) == []


def test_reactivate_lets_the_user_sign_in_again_when_account_was_deactivated(
    as_admin, db, browser, factories, admin
):
    member = factories.member(status=UserStatus.INACTIVE)

    response = act(as_admin, member, "reactivate", follow_redirects=True)

    assert flashes(response) == ["The account was reactivated."]
    assert fresh(db, User, member.id).status is UserStatus.ACTIVE
    [entry] = audit_entries(db, member)
    assert (entry.action, entry.actor_id, entry.after) == (
        "user.reactivated",
        admin.id,
        {"status": "active"},
    )
    sign_in(browser(), member.email)


def test_reactivate_writes_no_audit_entry_when_account_is_already_active(as_admin, db, factories):
    member = factories.member()

    act(as_admin, member, "reactivate")

    assert audit_entries(db, member) == []


def test_edit_page_offers_reactivate_when_account_is_inactive(as_admin, factories):
    member = factories.member(status=UserStatus.INACTIVE)

    body = as_admin.get(f"/admin/users/{member.id}").get_data(as_text=True)

    assert f'action="/admin/users/{member.id}/reactivate"' in body
    assert f'action="/admin/users/{member.id}/deactivate"' not in body


# --- delete --------------------------------------------------------------------------


def test_delete_soft_deletes_and_returns_to_the_list_when_admin_asks(
    as_admin, db, factories, admin
):
    member = factories.member()

    response = act(as_admin, member, "delete")

    assert response.status_code == 302
    assert response.location == "/admin/users/"
    assert flashes(as_admin.get(response.location)) == ["The account was deleted."]
    assert fresh(db, User, member.id).deleted_at is not None
    [entry] = audit_entries(db, member)
    assert (entry.action, entry.actor_id) == ("user.deleted", admin.id)
    assert entry.before["email"] == member.email


def test_deleted_user_leaves_the_list_when_no_filter_is_set(as_admin, factories):
    member = factories.member()
    act(as_admin, member, "delete")

    assert member.id not in listed_user_ids(as_admin.get("/admin/users/"))
    assert member.id not in listed_user_ids(as_admin.get("/admin/users/?status=active"))


def test_deleted_user_shows_in_the_list_when_deleted_filter_is_set(as_admin, factories):
    member = factories.member()
    kept = factories.member()
    act(as_admin, member, "delete")

    response = as_admin.get("/admin/users/?status=deleted")

    assert listed_user_ids(response) == [member.id]
    assert kept.id not in listed_user_ids(response)
    assert "Deleted" in page_text(response)


def test_deleted_user_is_signed_out_and_cannot_sign_in(as_admin, browser, factories, signed_in):
    member = factories.member()
    their_browser = signed_in(member)

    act(as_admin, member, "delete")

    assert their_browser.get("/app/").location.startswith("/login")
    response = post_form(browser(), "/login", {"email": member.email, "password": PASSWORD})
    assert "The email or password is not correct." in page_text(response)


def test_delete_is_refused_when_admin_targets_themselves(as_admin, db, admin, factories):
    factories.admin()

    response = act(as_admin, admin, "delete", follow_redirects=True)

    assert flashes(response) == ["You cannot delete your own account."]
    assert fresh(db, User, admin.id).deleted_at is None
    assert audit_entries(db, admin) == []


# --- a new temporary password ----------------------------------------------------------


def test_resend_password_emails_a_new_temporary_password_when_admin_asks(
    as_admin, db, browser, factories, admin, outbox
):
    member = factories.member()

    response = act(as_admin, member, "resend-password", follow_redirects=True)

    assert flashes(response) == ["A new temporary password was emailed."]
    [entry] = audit_entries(db, member)
    assert (entry.action, entry.actor_id) == ("user.temporary_password_sent", admin.id)
    [email] = emails_to(db, member, "temporary_password")
    temporary = temporary_password_in(email.body_text)
    saved = fresh(db, User, member.id)
    assert saved.must_change_password is True
    assert passwords.check_password(saved.password_hash, temporary)
    assert [message.recipients for message in outbox] == [[member.email]]


def test_resend_password_retires_the_old_password_when_sent(as_admin, browser, factories):
    member = factories.member()

    act(as_admin, member, "resend-password")

    response = post_form(browser(), "/login", {"email": member.email, "password": PASSWORD})
    assert "The email or password is not correct." in page_text(response)


def test_resend_password_is_refused_when_account_is_inactive(as_admin, db, factories):
    member = factories.member(status=UserStatus.INACTIVE)
    emails = count(db, SentEmail)

    response = act(as_admin, member, "resend-password", follow_redirects=True)

    assert flashes(response) == ["Reactivate the account before sending it a password."]
    assert count(db, SentEmail) == emails
    assert audit_actions(db, member) == []


# --- ids that do not exist -------------------------------------------------------------

USER_URLS = [
    ("GET", ""),
    ("POST", ""),
    ("POST", "/deactivate"),
    ("POST", "/reactivate"),
    ("POST", "/resend-password"),
    ("POST", "/delete"),
]


@pytest.mark.parametrize(("method", "suffix"), USER_URLS)
def test_user_pages_answer_404_when_id_does_not_exist(as_admin, db, admin, method, suffix):
    path = f"/admin/users/{admin.id + 10_000}{suffix}"
    entries = count(db, AuditEntry)

    if method == "GET":
        response = as_admin.get(path)
    else:
        response = post_form(as_admin, path, profile(admin), token_from="/admin/users/new")

    assert response.status_code == 404
    assert "Page not found" in page_text(response)
    assert count(db, AuditEntry) == entries


@pytest.mark.parametrize(("method", "suffix"), USER_URLS)
def test_user_pages_answer_404_when_account_is_deleted(as_admin, db, factories, method, suffix):
    member = factories.member()
    act(as_admin, member, "delete")
    entries = count(db, AuditEntry)

    if method == "GET":
        response = as_admin.get(f"/admin/users/{member.id}{suffix}")
    else:
        response = post_form(
            as_admin,
            f"/admin/users/{member.id}{suffix}",
            profile(member, name="Back From The Dead"),
            token_from="/admin/users/new",
        )

    assert response.status_code == 404
    saved = fresh(db, User, member.id)
    assert saved.deleted_at is not None and saved.name == member.name
    assert count(db, AuditEntry) == entries


@pytest.mark.parametrize(
    "operation",
    [
        pytest.param(
            lambda uid, actor: accounts.set_account_status(uid, UserStatus.INACTIVE, actor=actor),
            id="deactivate",
        ),
        pytest.param(accounts.delete_account, id="delete"),
        pytest.param(accounts.resend_temporary_password, id="resend"),
    ],
)
def test_services_refuse_actors_who_are_not_admins(app, db, factories, operation):
    member = factories.member()
    desk = factories.front_desk()

    english = app.test_request_context(headers={"Cookie": "cupo_lang=en"})
    with english, pytest.raises(AccessDenied) as refused:
        operation(member.id, actor=desk)

    assert str(refused.value) == "You are not allowed to do this."
    saved = fresh(db, User, member.id)
    assert saved.is_active and not saved.is_deleted
