"""Admin trainer pages: list, create, edit, status, files (pay rates: tests/staff/pay)."""

import pytest
from sqlalchemy import select

from app.accounts.models import Role, User
from app.core.models import utc_now
from app.trainers.models import Trainer
from app.trainers.queries import PER_PAGE
from tests.accounts.support import (
    audit_actions,
    count,
    emails_to,
    field_error,
    flashes,
    fresh,
    page_text,
    user_by_email,
)
from tests.conftest import post_form
from tests.queries import counting_statements
from tests.trainers.support import (
    certifications,
    fresh_trainer,
    image_bytes,
    listed_trainer_user_ids,
    noisy_png,
    open_image,
    over,
    pdf_bytes,
    stored_files,
    trainer_audit,
    upload,
)

NEW = "/admin/trainers/new"


def edit_url(trainer) -> str:
    return f"/admin/trainers/{trainer.id}"


def trainer_form(**overrides) -> dict:
    data = {
        "name": "Ana López",
        "email": "ana@gym.example",
        "phone": "555 0101",
        "language": "",
        "bio": "Strength first.",
        "specialties": "strength, mobility, Strength",
    }
    data.update(overrides)
    return data


# --- list ---------------------------------------------------------------------


@pytest.fixture
def roster(factories, carla, diego):
    return {
        "carla": carla.user,
        "diego": diego.user,
        "iris": factories.trainer_profile(name="Iris Inactive", is_active=False).user,
        "nora": factories.trainer(name="Nora No-profile", email="nora@gym.example"),
        "gone": factories.trainer_profile(name="Gone Trainer", deleted_at=utc_now()).user,
        "member": factories.member(name="Carla Member"),
    }


def user_ids(roster, *names) -> list[int]:
    return [roster[name].id for name in names]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["carla", "diego", "iris", "nora"]),
        ({"q": "carla"}, ["carla"]),
        ({"q": "NORA@GYM"}, ["nora"]),
        ({"active": "active"}, ["carla", "diego"]),
        ({"active": "inactive"}, ["iris"]),
        ({"active": "no_profile"}, ["nora"]),
        ({"q": "nobody"}, []),
    ],
)
def test_list_shows_trainer_accounts_matching_the_filters(as_admin, roster, query, expected):
    response = as_admin.get("/admin/trainers/", query_string=query)

    assert response.status_code == 200
    assert listed_trainer_user_ids(response) == user_ids(roster, *expected)


def test_list_shows_the_specialties_and_no_rate(as_admin, roster):
    text = page_text(as_admin.get("/admin/trainers/"))

    assert "Hourly rate" not in text
    assert ">pilates<" in text
    assert "Set up profile" in text


@pytest.mark.parametrize(
    "query", [{"active": "retired"}, {"page": "-1"}, {"page": "x"}, {"q": "%_%"}, {"q": "q" * 300}]
)
def test_list_answers_200_when_filters_are_nonsense(as_admin, roster, query):
    assert as_admin.get("/admin/trainers/", query_string=query).status_code == 200


def test_list_pages_through_every_trainer(as_admin, factories):
    made = {factories.trainer_profile().user_id for _ in range(PER_PAGE + 3)}

    first = listed_trainer_user_ids(as_admin.get("/admin/trainers/"))
    second = listed_trainer_user_ids(as_admin.get("/admin/trainers/?page=2"))

    assert len(first) == PER_PAGE
    assert set(first) | set(second) == made
    assert set(first) & set(second) == set()


def test_list_runs_the_same_number_of_queries_whatever_the_number_of_trainers(
    as_admin, db, factories
):
    for index in range(3):
        factories.trainer_profile(specialties=["yoga"], photo_path=f"photos/{index}.jpg")
    factories.trainer()
    as_admin.get("/admin/trainers/")  # warm caches

    with counting_statements(db.engine) as few:
        assert len(listed_trainer_user_ids(as_admin.get("/admin/trainers/"))) == 4
    for index in range(40):
        if index % 4:
            factories.trainer_profile(specialties=["hiit", "box"])
        else:
            factories.trainer()
    with counting_statements(db.engine) as many:
        assert len(listed_trainer_user_ids(as_admin.get("/admin/trainers/"))) == PER_PAGE

    assert len(few) == len(many), (few, many)
    assert len(many) <= 9, many  # one of them: the menu's count of leave requests waiting


# --- create -------------------------------------------------------------------


def test_create_makes_the_account_and_profile(as_admin, db):
    response = post_form(as_admin, NEW, trainer_form())

    user = user_by_email(db, "ana@gym.example")
    trainer = db.session.scalar(select(Trainer).where(Trainer.user_id == user.id))
    assert response.status_code == 302
    assert response.location == edit_url(trainer)
    assert user.role is Role.TRAINER
    assert (trainer.specialties, trainer.bio) == (
        ["strength", "mobility"],
        "Strength first.",
    )
    assert [email.template for email in emails_to(db, user)] == ["temporary_password"]


def test_create_confirms_with_the_email(as_admin):
    response = post_form(as_admin, NEW, trainer_form(), follow_redirects=True)

    assert flashes(response) == [
        "Trainer created. A temporary password was emailed to ana@gym.example."
    ]


BAD_INPUT = [
    pytest.param({"name": ""}, "name", "Enter the person's name.", id="no-name"),
    pytest.param({"email": "not-an-email"}, "email", "Enter a valid email address.", id="email"),
    pytest.param({"phone": "call me"}, "phone", "Use digits, spaces and + ( ) - only.", id="phone"),
    pytest.param({"bio": "b" * 2001}, "bio", "Use at most 2000 characters.", id="long-bio"),
    pytest.param(
        {"specialties": "yoga, " + "x" * 41},
        "specialties",
        "Keep each specialty to 40 characters: “" + "x" * 40 + "…” is longer.",
        id="long-specialty",
    ),
    pytest.param(
        {"specialties": ",".join(f"s{i}" for i in range(13))},
        "specialties",
        "List at most 12 specialties.",
        id="13-specialties",
    ),
    pytest.param({"language": "klingon"}, "language", "Not a valid choice.", id="language"),
]


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_INPUT)
def test_create_shows_a_field_error_and_keeps_nothing_when_input_is_bad(
    as_admin, db, overrides, field, message
):
    response = post_form(as_admin, NEW, trainer_form(**overrides))

    assert response.status_code == 200
    assert field_error(response, field) == message
    assert count(db, Trainer) == 0
    assert user_by_email(db, "ana@gym.example") is None


def test_create_shows_a_field_error_when_the_email_is_taken(as_admin, db, factories):
    factories.member(email="ana@gym.example")

    response = post_form(as_admin, NEW, trainer_form())

    assert field_error(response, "email") == "An account with this email already exists."
    assert count(db, Trainer) == 0


# --- edit ---------------------------------------------------------------------


def test_edit_shows_the_profile_and_links_to_the_pay_rates(as_admin, carla):
    text = page_text(as_admin.get(edit_url(carla)))

    assert 'id="hourly_rate"' not in text
    assert f'href="/admin/staff/pay/trainers/{carla.id}/rates"' in text
    assert 'value="yoga, pilates"' in text
    assert "Yoga since 2015." in text


def test_edit_saves_contact_and_profile(as_admin, db, admin, carla):
    response = post_form(
        as_admin, edit_url(carla), trainer_form(name="Carla Cruz", email="carla@gym.example")
    )

    assert response.status_code == 302
    trainer = fresh_trainer(db, carla.id)
    assert (trainer.user.name, trainer.specialties) == ("Carla Cruz", ["strength", "mobility"])


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_INPUT[:-1])
def test_edit_shows_a_field_error_and_changes_nothing_when_input_is_bad(
    as_admin, db, carla, overrides, field, message
):
    response = post_form(as_admin, edit_url(carla), trainer_form(**overrides))

    assert response.status_code == 200
    assert field_error(response, field) == message
    trainer = fresh_trainer(db, carla.id)
    assert trainer.user.name == "Carla Coach"
    assert trainer_audit(db, carla) == []


def test_edit_shows_a_field_error_when_the_email_belongs_to_someone_else(
    as_admin, db, carla, diego
):
    response = post_form(as_admin, edit_url(carla), trainer_form(email=diego.user.email))

    assert field_error(response, "email") == "An account with this email already exists."
    assert fresh_trainer(db, carla.id).user.email == "carla@gym.example"


@pytest.mark.parametrize("method", ["get", "post"])
def test_edit_answers_404_for_an_unknown_trainer(as_admin, method):
    response = (
        as_admin.get("/admin/trainers/999999")
        if method == "get"
        else post_form(as_admin, "/admin/trainers/999999", trainer_form(), token_from=NEW)
    )

    assert response.status_code == 404


def test_edit_answers_404_when_the_account_was_deleted(as_admin, factories):
    gone = factories.trainer_profile(deleted_at=utc_now())

    assert as_admin.get(edit_url(gone)).status_code == 404


# --- profile for an existing trainer account ----------------------------------


def test_setup_makes_the_missing_profile_and_opens_it(as_admin, db, factories):
    nora = factories.trainer(name="Nora")

    response = post_form(as_admin, f"/admin/trainers/setup/{nora.id}", token_from=NEW)

    trainer = db.session.scalar(select(Trainer).where(Trainer.user_id == nora.id))
    assert response.location == edit_url(trainer)
    assert audit_actions(db)[-1] == "trainer.created"


def test_setup_opens_the_existing_profile_when_there_is_one(as_admin, db, carla):
    response = post_form(as_admin, f"/admin/trainers/setup/{carla.user_id}", token_from=NEW)

    assert response.location == edit_url(carla)
    assert count(db, Trainer) == 1


@pytest.mark.parametrize("who", ["member", "admin", "unknown"])
def test_setup_answers_404_for_an_account_that_is_not_a_trainer(as_admin, db, factories, who):
    user_id = {"member": lambda: factories.member().id, "admin": lambda: factories.admin().id}
    target = user_id[who]() if who in user_id else 999999

    response = post_form(as_admin, f"/admin/trainers/setup/{target}", token_from=NEW)

    assert response.status_code == 404
    assert count(db, Trainer) == 0


# --- status -------------------------------------------------------------------


def test_deactivate_then_reactivate(as_admin, db, carla):
    deactivated = post_form(
        as_admin, f"{edit_url(carla)}/deactivate", token_from=edit_url(carla), follow_redirects=True
    )
    assert fresh_trainer(db, carla.id).is_active is False
    assert flashes(deactivated) == ["The trainer was deactivated. Their account still signs in."]
    assert fresh(db, User, carla.user_id).is_active is True

    reactivated = post_form(
        as_admin, f"{edit_url(carla)}/reactivate", token_from=edit_url(carla), follow_redirects=True
    )
    assert fresh_trainer(db, carla.id).is_active is True
    assert flashes(reactivated) == ["The trainer was reactivated."]


def test_deactivate_answers_404_for_an_unknown_trainer(as_admin):
    response = post_form(as_admin, "/admin/trainers/999999/deactivate", token_from=NEW)

    assert response.status_code == 404


# --- photo and certificates -----------------------------------------------------


def test_admin_uploads_a_photo_for_a_trainer(as_admin, db, carla, uploads_dir):
    response = post_form(
        as_admin,
        f"{edit_url(carla)}/photo",
        {"photo": upload(image_bytes((1000, 400)), "me.png")},
        token_from=edit_url(carla),
    )

    assert response.status_code == 302
    path = fresh(db, User, carla.user_id).photo_path
    assert open_image(uploads_dir / path).size == (512, 512)


def test_admin_photo_upload_shows_a_field_error_when_oversized(as_admin, db, carla, uploads_dir):
    response = post_form(
        as_admin,
        f"{edit_url(carla)}/photo",
        {"photo": upload(noisy_png(over(5)), "big.png")},
        token_from=edit_url(carla),
    )

    assert response.status_code == 200
    assert field_error(response, "photo") == "The file is too large: at most 5 MB."
    assert stored_files(uploads_dir) == []
    assert 'value="yoga, pilates"' in page_text(response)  # the rest of the page is intact


def test_admin_adds_and_removes_a_certificate(as_admin, db, carla, uploads_dir):
    added = post_form(
        as_admin,
        f"{edit_url(carla)}/certifications",
        {"title": "RYT 200", "file": upload(pdf_bytes(), "ryt.pdf", "application/pdf")},
        token_from=edit_url(carla),
        follow_redirects=True,
    )
    [certification] = certifications(db, carla)
    assert flashes(added) == ["Certificate added."]
    assert "RYT 200" in page_text(added)

    removed = post_form(
        as_admin,
        f"{edit_url(carla)}/certifications/{certification.id}/delete",
        token_from=edit_url(carla),
        follow_redirects=True,
    )
    assert flashes(removed) == ["Certificate removed."]
    assert certifications(db, carla) == []
    assert stored_files(uploads_dir) == []


def test_admin_certificate_upload_shows_field_errors_when_input_is_bad(as_admin, db, carla):
    response = post_form(
        as_admin,
        f"{edit_url(carla)}/certifications",
        {"title": "", "file": upload(b"plain text", "cv.pdf", "application/pdf")},
        token_from=edit_url(carla),
    )

    assert field_error(response, "title") == "Enter the certificate's title."
    assert certifications(db, carla) == []


def test_admin_remove_answers_404_when_the_certificate_is_another_trainers(
    as_admin, db, carla, diego
):
    post_form(
        as_admin,
        f"{edit_url(diego)}/certifications",
        {"title": "Diego's", "file": upload(pdf_bytes(), "d.pdf", "application/pdf")},
        token_from=edit_url(diego),
    )
    [theirs] = certifications(db, diego)

    response = post_form(
        as_admin,
        f"{edit_url(carla)}/certifications/{theirs.id}/delete",
        token_from=edit_url(carla),
    )

    assert response.status_code == 404
    assert certifications(db, diego) != []


def test_trainer_posting_to_the_admin_edit_gets_403_and_no_change(client, login, db, carla, diego):
    login(diego.user)

    response = post_form(
        client, edit_url(carla), trainer_form(name="Hijacked"), token_from="/trainer/profile/"
    )
    own = post_form(
        client, edit_url(diego), trainer_form(name="Hijacked"), token_from="/trainer/profile/"
    )

    assert (response.status_code, own.status_code) == (403, 403)
    assert fresh_trainer(db, carla.id).user.name == "Carla Coach"
    assert trainer_audit(db, carla) == trainer_audit(db, diego) == []
