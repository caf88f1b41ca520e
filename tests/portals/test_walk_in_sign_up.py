"""A walk-in signs up at the desk (/admin/members/new): a member account, the
temporary-password email, then straight on to selling them a plan or pack."""

import re

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.accounts.services.accounts import AccountError, create_account
from app.core.audit import AuditEntry
from app.core.errors import AccessDenied
from app.notifications.models import SentEmail
from tests.accounts.support import field_error, flashes, page_text, user_by_email
from tests.conftest import post_form
from tests.trainers.support import image_bytes, noisy_png, over, stored_files, upload

pytestmark = pytest.mark.usefixtures("uploads_dir")

NEW = "/admin/members/new"


@pytest.fixture
def clerk(factories):
    return factories.front_desk(name="Dana Desk")


@pytest.fixture
def as_clerk(client, login, clerk):
    login(clerk)
    return client


def walk_in(**fields) -> dict:
    values = {
        "name": "Wendy Walker",
        "email": "Wendy@Example.com",
        "phone": "555 0199",
        "language": "es",
    }
    values.update(fields)
    return values


def users(db) -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_the_form_has_the_webcam_and_no_role_field(as_clerk):
    text = page_text(as_clerk.get(NEW))

    assert 'name="role"' not in text
    assert 'type="file"' in text and 'id="photo"' in text
    assert "<video" in text and "Take photo" in text
    assert "/static/js/member_photo_camera." in text
    assert not re.search(r"<script(?![^>]*\bsrc=)", text)  # no inline scripts
    assert not re.search(r"\son[a-z]+=", text) and "style=" not in text


def test_sign_up_creates_a_member_and_goes_on_to_the_sale(as_clerk, db, clerk):
    response = post_form(as_clerk, NEW, walk_in())

    wendy = user_by_email(db, "wendy@example.com")
    assert (wendy.name, wendy.role, wendy.phone, wendy.language) == (
        "Wendy Walker",
        Role.MEMBER,
        "555 0199",
        "es",
    )
    assert wendy.must_change_password
    assert response.status_code == 303
    assert response.location == f"/admin/billing/payments/new?member_id={wendy.id}"
    [email] = db.session.scalars(select(SentEmail).where(SentEmail.user_id == wendy.id)).all()
    assert (email.template, email.to) == ("temporary_password", "wendy@example.com")
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.created"))
    assert entry.actor_id == clerk.id


def test_the_sale_page_comes_with_the_new_member_filled_in(as_clerk, db):
    response = post_form(as_clerk, NEW, walk_in(), follow_redirects=True)

    assert flashes(response) == [
        "Account created for Wendy Walker. A temporary password was emailed to "
        "wendy@example.com. Now sell them a plan or a class pack."
    ]
    assert re.search(
        r'id="member"[^>]*value="wendy@example.com"', page_text(response)
    ) or re.search(r'value="wendy@example.com"[^>]*id="member"', page_text(response))


def test_desk_cannot_create_staff_by_adding_a_role_field(as_clerk, db):
    post_form(as_clerk, NEW, walk_in(role="admin"))

    assert user_by_email(db, "wendy@example.com").role is Role.MEMBER


def test_desk_cannot_create_staff_through_the_service(db, clerk):
    before = users(db)
    for role in (Role.ADMIN, Role.FRONT_DESK, Role.TRAINER):
        with pytest.raises(AccessDenied):
            create_account(email=f"{role.value}@example.com", name="X", role=role, actor=clerk)
    assert users(db) == before


def test_an_email_already_taken_is_a_field_error(as_clerk, db, factories):
    factories.member(email="wendy@example.com")
    before = users(db)

    response = post_form(as_clerk, NEW, walk_in())

    assert response.status_code == 200
    assert field_error(response, "email") == "An account with this email already exists."
    assert users(db) == before
    assert db.session.scalar(select(SentEmail)) is None


@pytest.mark.parametrize(
    ("photo", "message"),
    [
        (upload(b"hello", "camera.jpg", "image/jpeg"), "Choose a JPEG, PNG or WebP picture."),
        (upload(noisy_png(over(5)), "big.png"), "The file is too large: at most 5 MB."),
    ],
)
def test_a_bad_photo_is_a_field_error_and_nothing_is_written(
    as_clerk, db, uploads_dir, photo, message
):
    before = users(db)

    response = post_form(as_clerk, NEW, walk_in(photo=photo))

    assert response.status_code == 200
    assert field_error(response, "photo") == message
    assert users(db) == before
    assert stored_files(uploads_dir) == []
    assert db.session.scalar(select(SentEmail)) is None


def test_a_photo_from_the_webcam_becomes_the_members_photo(as_clerk, db, uploads_dir):
    photo = upload(image_bytes(fmt="JPEG"), "webcam.jpg", "image/jpeg")

    post_form(as_clerk, NEW, walk_in(photo=photo))

    wendy = user_by_email(db, "wendy@example.com")
    assert wendy.photo_path is not None
    assert [p.name for p in stored_files(uploads_dir)] == [wendy.photo_path.rsplit("/", 1)[-1]]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": ""}, "name", "Enter the person's name."),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"phone": "call me"}, "phone", "Use digits, spaces and + ( ) - only."),
    ],
)
def test_bad_fields_are_field_errors(as_clerk, db, fields, field, message):
    before = users(db)

    response = post_form(as_clerk, NEW, walk_in(**fields))

    assert response.status_code == 200
    assert field_error(response, field) == message
    assert users(db) == before


def test_service_refuses_a_taken_email_from_the_desk(db, clerk, factories):
    factories.member(email="wendy@example.com")

    with pytest.raises(AccountError):
        create_account(email="wendy@example.com", name="W", role=Role.MEMBER, actor=clerk)
