"""Member photos: the member's own from the profile, the desk's at the counter."""

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.accounts.services.photos import PhotoError, change_member_photo, remove_member_photo
from app.core.audit import AuditEntry
from app.core.errors import AccessDenied
from tests.accounts.support import field_error, flashes, fresh, page_text
from tests.conftest import post_form
from tests.trainers.support import (
    file_storage,
    image_bytes,
    noisy_png,
    open_image,
    over,
    stored_files,
    upload,
)

pytestmark = pytest.mark.usefixtures("uploads_dir")

PROFILE = "/app/profile"


def desk_page(member) -> str:
    """The staff member page, where the desk's photo card lives."""
    return f"/admin/members/{member.id}"


@pytest.fixture
def maria(factories):
    return factories.member(name="María Pérez", email="maria@example.com")


@pytest.fixture
def other(factories):
    return factories.member(name="Otto Other", email="otto@example.com")


@pytest.fixture
def desk(factories):
    return factories.front_desk(name="Dana Desk")


@pytest.fixture
def english(app, db):
    """Messages in English for services called outside a request."""
    with app.test_request_context(headers={"Cookie": "cupo_lang=en"}):
        yield


def photo_audit(db, user, action: str | None = None) -> list[AuditEntry]:
    query = (
        select(AuditEntry)
        .where(AuditEntry.entity_type == "User", AuditEntry.entity_id == str(user.id))
        .where(AuditEntry.action.like("user.photo_%"))
        .order_by(AuditEntry.id)
    )
    if action:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query))


def photo_of(db, user) -> str | None:
    return fresh(db, User, user.id).photo_path


# --- the member's own photo ---------------------------------------------------


def test_profile_explains_the_photo_and_offers_the_front_camera(client, login, maria):
    login(maria)

    text = page_text(client.get(PROFILE))

    assert "Staff use it to recognise you at check-in." in text
    assert 'capture="user"' in text
    assert 'action="/app/profile/photo"' in text
    assert "Remove photo" not in text  # nothing to remove yet


def test_member_uploads_a_photo_stored_as_a_512_square_jpeg(client, login, db, maria, uploads_dir):
    login(maria)

    response = post_form(
        client,
        "/app/profile/photo",
        {"photo": upload(image_bytes((640, 960), fmt="PNG"), "me.png")},
        token_from=PROFILE,
    )

    assert response.status_code == 302
    path = photo_of(db, maria)
    image = open_image(uploads_dir / path)
    assert (image.format, image.size) == ("JPEG", (512, 512))
    page = client.get(PROFILE)
    assert flashes(page) == ["Photo updated."]
    assert f'src="/files/{path}"' in page_text(page)
    assert "Remove photo" in page_text(page)
    served = client.get(f"/files/{path}")
    assert (served.status_code, served.mimetype) == (200, "image/jpeg")
    [entry] = photo_audit(db, maria)
    assert (entry.action, entry.actor_id) == ("user.photo_changed", maria.id)
    assert (entry.before, entry.after) == ({"photo_path": None}, {"photo_path": path})


def test_replacing_the_photo_deletes_the_old_file(client, login, db, maria, uploads_dir):
    login(maria)
    post_form(client, "/app/profile/photo", {"photo": upload(image_bytes())}, token_from=PROFILE)
    first = photo_of(db, maria)

    post_form(
        client,
        "/app/profile/photo",
        {"photo": upload(image_bytes(fmt="JPEG"), "new.jpg", "image/jpeg")},
        token_from=PROFILE,
    )

    second = photo_of(db, maria)
    assert second != first
    assert stored_files(uploads_dir) == [uploads_dir / second]
    assert [e.action for e in photo_audit(db, maria)] == ["user.photo_changed"] * 2
    assert photo_audit(db, maria)[-1].before == {"photo_path": first}


def test_member_removes_their_photo(client, login, db, maria, uploads_dir):
    login(maria)
    post_form(client, "/app/profile/photo", {"photo": upload(image_bytes())}, token_from=PROFILE)
    path = photo_of(db, maria)

    response = post_form(client, "/app/profile/photo/remove", token_from=PROFILE)

    assert response.status_code == 302
    assert photo_of(db, maria) is None
    assert stored_files(uploads_dir) == []
    page = client.get(PROFILE)
    assert flashes(page) == ["Photo removed."]
    assert "No photo yet." in page_text(page)
    entry = photo_audit(db, maria, "user.photo_removed")[0]
    assert (entry.before, entry.after) == ({"photo_path": path}, {"photo_path": None})


def test_removing_when_there_is_no_photo_changes_nothing(client, login, db, maria):
    login(maria)

    response = post_form(client, "/app/profile/photo/remove", token_from=PROFILE)

    assert response.status_code == 302
    assert photo_audit(db, maria) == []


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (
            upload(b"just some text\n", "me.jpg", "image/jpeg"),
            "Choose a JPEG, PNG or WebP picture.",
        ),
        (upload(noisy_png(over(5)), "big.png"), "The file is too large: at most 5 MB."),
        (upload(b"", "empty.jpg", "image/jpeg"), "The file is empty."),
    ],
    ids=["text-renamed-jpg", "oversized", "empty"],
)
def test_a_bad_file_shows_a_field_error_and_writes_nothing(
    client, login, db, maria, uploads_dir, file, message
):
    login(maria)

    response = post_form(client, "/app/profile/photo", {"photo": file}, token_from=PROFILE)

    assert response.status_code == 200
    assert field_error(response, "photo").startswith(message)
    assert stored_files(uploads_dir) == []
    assert photo_of(db, maria) is None
    assert photo_audit(db, maria) == []


def test_a_bad_file_keeps_the_photo_the_member_had(client, login, db, maria, uploads_dir):
    login(maria)
    post_form(client, "/app/profile/photo", {"photo": upload(image_bytes())}, token_from=PROFILE)
    path = photo_of(db, maria)

    post_form(
        client,
        "/app/profile/photo",
        {"photo": upload(b"not an image", "x.jpg", "image/jpeg")},
        token_from=PROFILE,
    )

    assert photo_of(db, maria) == path
    assert stored_files(uploads_dir) == [uploads_dir / path]


def test_a_member_has_no_url_for_another_members_photo(client, login, db, maria, other):
    login(maria)
    picture = {"photo": upload(image_bytes())}

    desk_change = post_form(client, f"/admin/members/{other.id}/photo", picture, token_from=PROFILE)
    desk_remove = post_form(client, f"/admin/members/{other.id}/photo/remove", token_from=PROFILE)

    assert (desk_change.status_code, desk_remove.status_code) == (403, 403)
    assert photo_of(db, other) is None


# --- the desk ---------------------------------------------------------------


def test_desk_page_shows_the_card_with_the_back_camera_and_initials(client, login, desk, maria):
    login(desk)

    text = page_text(client.get(desk_page(maria)))

    assert 'capture="environment"' in text
    assert f'action="/admin/members/{maria.id}/photo"' in text
    assert '<span class="avatar avatar-lg" aria-hidden="true">MP</span>' in text


def test_desk_takes_a_members_photo_at_the_counter(client, login, db, desk, maria, uploads_dir):
    login(desk)

    response = post_form(
        client,
        f"/admin/members/{maria.id}/photo",
        {"photo": upload(image_bytes(fmt="JPEG"), "camera.jpg", "image/jpeg")},
        token_from=desk_page(maria),
    )

    assert response.status_code == 302
    assert response.location.endswith(desk_page(maria))
    path = photo_of(db, maria)
    assert (open_image(uploads_dir / path).size) == (512, 512)
    page = client.get(desk_page(maria))
    assert flashes(page) == ["Photo of María Pérez updated."]
    assert page_text(page).count(f'src="/files/{path}"') == 2  # header and card
    membership_page = client.get(f"/admin/members/{maria.id}/membership")
    assert f'src="/files/{path}"' in page_text(membership_page)
    [entry] = photo_audit(db, maria)
    assert (entry.action, entry.actor_id) == ("user.photo_changed", desk.id)


def test_desk_removes_a_members_photo(client, login, db, desk, maria, uploads_dir):
    login(desk)
    post_form(
        client,
        f"/admin/members/{maria.id}/photo",
        {"photo": upload(image_bytes())},
        token_from=desk_page(maria),
    )

    response = post_form(
        client, f"/admin/members/{maria.id}/photo/remove", token_from=desk_page(maria)
    )

    assert response.status_code == 302
    assert photo_of(db, maria) is None
    assert stored_files(uploads_dir) == []
    assert flashes(client.get(desk_page(maria))) == ["Photo of María Pérez removed."]
    assert [e.action for e in photo_audit(db, maria)] == [
        "user.photo_changed",
        "user.photo_removed",
    ]


def test_desk_sees_a_field_error_on_the_page_for_a_bad_file(
    client, login, db, desk, maria, uploads_dir
):
    login(desk)

    response = post_form(
        client,
        f"/admin/members/{maria.id}/photo",
        {"photo": upload(b"hello", "camera.jpg", "image/jpeg")},
        token_from=desk_page(maria),
    )

    assert response.status_code == 200
    assert field_error(response, "photo") == "Choose a JPEG, PNG or WebP picture."
    assert '<h1 class="page-title">María Pérez</h1>' in page_text(response)
    assert stored_files(uploads_dir) == []
    assert photo_audit(db, maria) == []


def test_desk_endpoints_answer_404_for_a_staff_account_or_a_missing_id(
    client, login, db, desk, factories, uploads_dir
):
    login(desk)
    coach = factories.trainer()

    answers = [
        post_form(
            client,
            f"/admin/members/{user_id}/photo",
            {"photo": upload(image_bytes())},
            token_from="/admin/",
        ).status_code
        for user_id in (coach.id, desk.id, 999_999)
    ]

    assert answers == [404, 404, 404]
    assert stored_files(uploads_dir) == []


def test_a_trainer_is_refused_at_the_desk_endpoints(client, login, db, factories, maria):
    login(factories.trainer())

    change = post_form(
        client,
        f"/admin/members/{maria.id}/photo",
        {"photo": upload(image_bytes())},
        token_from="/trainer/",
    )
    remove = post_form(client, f"/admin/members/{maria.id}/photo/remove", token_from="/trainer/")

    assert (change.status_code, remove.status_code) == (403, 403)
    assert photo_of(db, maria) is None


# --- the service ----------------------------------------------------------------


def test_service_refuses_a_member_changing_another_members_photo(
    english, db, maria, other, uploads_dir
):
    with pytest.raises(AccessDenied):
        change_member_photo(other.id, file_storage(image_bytes()), actor=maria)
    with pytest.raises(AccessDenied):
        remove_member_photo(other.id, actor=maria)

    assert stored_files(uploads_dir) == []
    assert photo_audit(db, other) == []


def test_service_refuses_a_trainer(english, db, factories, maria, uploads_dir):
    with pytest.raises(AccessDenied):
        change_member_photo(maria.id, file_storage(image_bytes()), actor=factories.trainer())

    assert stored_files(uploads_dir) == []


def test_service_refuses_a_staff_account_or_a_missing_member(
    english, db, desk, factories, uploads_dir
):
    for user_id in (factories.admin().id, 999_999):
        with pytest.raises(PhotoError) as refused:
            change_member_photo(user_id, file_storage(image_bytes()), actor=desk)
        assert str(refused.value) == "This member no longer exists."
        assert refused.value.field is None

    assert stored_files(uploads_dir) == []


def test_service_names_the_photo_field_for_a_bad_file(english, db, maria, uploads_dir):
    with pytest.raises(PhotoError) as refused:
        change_member_photo(maria.id, file_storage(b"%PDF-1.4 nope", "x.jpg"), actor=maria)

    assert refused.value.field == "photo"
    assert stored_files(uploads_dir) == []
    assert photo_of(db, maria) is None


def test_service_deletes_the_new_file_when_the_transaction_fails(
    english, db, maria, uploads_dir, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr("app.accounts.services.photos.audit.record", broken)

    with pytest.raises(RuntimeError):
        change_member_photo(maria.id, file_storage(image_bytes()), actor=maria)

    assert stored_files(uploads_dir) == []
    assert photo_of(db, maria) is None


def test_member_photo_uploads_answer_429_past_the_upload_limit_and_store_nothing(
    app, client, login, db, maria, uploads_dir, monkeypatch
):
    monkeypatch.setitem(app.config, "UPLOAD_LIMIT", "2 per minute")
    login(maria)

    def send():
        return post_form(
            client,
            "/app/profile/photo",
            {"photo": upload(image_bytes(), "me.png")},
            token_from=PROFILE,
        )

    answers = [send().status_code for _ in range(3)]

    assert answers == [302, 302, 429]
    assert len(stored_files(uploads_dir)) == 1  # the second replaced the first
