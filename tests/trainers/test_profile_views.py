"""The trainer's own profile: bio, specialties, photo, certificates; never the rate."""

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.trainers.models import Trainer
from tests.accounts.support import field_error, flashes, fresh, page_text
from tests.conftest import post_form
from tests.trainers.support import (
    certifications,
    fresh_trainer,
    image_bytes,
    noisy_png,
    open_image,
    over,
    pdf_bytes,
    stored_files,
    trainer_audit,
    upload,
)

PAGE = "/trainer/profile/"


def test_profile_page_shows_bio_and_specialties_but_never_the_rate(as_carla):
    response = as_carla.get(PAGE)

    text = page_text(response)
    assert response.status_code == 200
    assert "Yoga since 2015." in text
    assert 'value="yoga, pilates"' in text
    assert "hourly_rate" not in text
    assert "Hourly rate" not in text


def test_profile_saves_bio_and_specialties(as_carla, db, carla):
    response = post_form(
        as_carla, PAGE, {"bio": " Vinyasa and yin. ", "specialties": "yin, Vinyasa, YIN"}
    )

    assert response.status_code == 302
    trainer = fresh_trainer(db, carla.id)
    assert (trainer.bio, trainer.specialties) == ("Vinyasa and yin.", ["yin", "Vinyasa"])
    assert flashes(as_carla.get(PAGE)) == ["Your profile was saved."]


def test_profile_ignores_status_posted_by_the_trainer(as_carla, db, carla):
    post_form(
        as_carla,
        PAGE,
        {
            "bio": "Yoga since 2015.",
            "specialties": "yoga",
            "is_active": "n",
        },
    )

    trainer = fresh_trainer(db, carla.id)
    assert trainer.is_active is True
    assert [entry.action for entry in trainer_audit(db, carla)] == ["trainer.updated"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"specialties": "x" * 41}, "specialties", "Keep each specialty to 40 characters"),
        (
            {"specialties": ",".join(str(i) for i in range(13))},
            "specialties",
            "List at most 12 specialties.",
        ),
        ({"specialties": "y," * 301}, "specialties", "Use at most 600 characters."),
        ({"bio": "b" * 2001}, "bio", "Use at most 2000 characters."),
    ],
)
def test_profile_shows_a_field_error_and_saves_nothing_when_input_is_bad(
    as_carla, db, carla, data, field, message
):
    response = post_form(as_carla, PAGE, {"bio": "ok", "specialties": "", **data})

    assert response.status_code == 200
    assert field_error(response, field).startswith(message)
    assert fresh_trainer(db, carla.id).bio == "Yoga since 2015."


def test_profile_page_works_for_a_trainer_without_a_profile_and_saving_makes_it(
    client, login, db, factories
):
    nora = factories.trainer()
    login(nora)

    assert client.get(PAGE).status_code == 200
    post_form(client, PAGE, {"bio": "Hello", "specialties": "box"})

    trainer = db.session.scalar(select(Trainer).where(Trainer.user_id == nora.id))
    assert (trainer.bio, trainer.specialties) == ("Hello", ["box"])


def test_trainer_layout_links_to_my_profile(as_carla):
    assert 'href="/trainer/profile/"' in as_carla.get("/trainer/").get_data(as_text=True)


# --- photo --------------------------------------------------------------------


def test_photo_upload_stores_a_512_square_thumbnail(as_carla, db, carla, uploads_dir):
    response = post_form(
        as_carla,
        f"{PAGE}photo",
        {"photo": upload(image_bytes((640, 960), fmt="PNG"), "me.png")},
        token_from=PAGE,
    )

    assert response.status_code == 302
    path = fresh(db, User, carla.user_id).photo_path
    image = open_image(uploads_dir / path)
    assert (image.format, image.size) == ("JPEG", (512, 512))
    assert f'src="/files/{path}"' in as_carla.get(PAGE).get_data(as_text=True)


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (upload(noisy_png(over(5)), "big.png"), "The file is too large: at most 5 MB."),
        (upload(pdf_bytes(), "cv.png", "image/png"), "Choose a JPEG, PNG or WebP picture."),
        (upload(b"\x89PNG\r\n\x1a\nbroken", "x.png"), "This image could not be read."),
    ],
    ids=["oversized", "pdf-renamed-png", "corrupt"],
)
def test_photo_upload_shows_a_field_error_and_writes_nothing_when_the_file_is_bad(
    as_carla, db, carla, uploads_dir, file, message
):
    response = post_form(as_carla, f"{PAGE}photo", {"photo": file}, token_from=PAGE)

    assert response.status_code == 200
    assert field_error(response, "photo").startswith(message)
    assert stored_files(uploads_dir) == []
    assert fresh(db, User, carla.user_id).photo_path is None
    assert trainer_audit(db, carla) == []


def test_photo_upload_asks_for_a_file_when_none_is_chosen(as_carla, uploads_dir):
    response = post_form(as_carla, f"{PAGE}photo", {}, token_from=PAGE)

    assert field_error(response, "photo") == "Choose a picture."
    assert stored_files(uploads_dir) == []


# --- certificates -------------------------------------------------------------


def test_certificate_upload_lists_the_certificate(as_carla, db, carla):
    response = post_form(
        as_carla,
        f"{PAGE}certifications",
        {"title": "First aid", "file": upload(pdf_bytes(), "fa.pdf", "application/pdf")},
        token_from=PAGE,
        follow_redirects=True,
    )

    [certification] = certifications(db, carla)
    assert flashes(response) == ["Certificate added."]
    assert f'href="/files/certifications/{certification.id}"' in page_text(response)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"title": "CV", "file": upload(b"hello", "cv.pdf", "application/pdf")},
            "file",
            "Choose a PDF, JPEG or PNG file.",
        ),
        (
            {"title": "Big", "file": upload(pdf_bytes(over(10)), "big.pdf", "application/pdf")},
            "file",
            "The file is too large: at most 10 MB.",
        ),
        ({"title": "No file"}, "file", "Choose a file."),
        ({"title": "t" * 121, "file": upload(pdf_bytes())}, "title", "Use at most 120 characters."),
    ],
    ids=["text-renamed-pdf", "oversized", "no-file", "long-title"],
)
def test_certificate_upload_shows_a_field_error_and_writes_nothing_when_input_is_bad(
    as_carla, db, carla, uploads_dir, data, field, message
):
    response = post_form(as_carla, f"{PAGE}certifications", data, token_from=PAGE)

    assert response.status_code == 200
    assert field_error(response, field) == message
    assert stored_files(uploads_dir) == []
    assert certifications(db, carla) == []


def test_certificate_remove_deletes_own_certificate(as_carla, db, carla, uploads_dir):
    post_form(
        as_carla,
        f"{PAGE}certifications",
        {"title": "First aid", "file": upload(pdf_bytes())},
        token_from=PAGE,
    )
    [certification] = certifications(db, carla)

    response = post_form(
        as_carla, f"{PAGE}certifications/{certification.id}/delete", token_from=PAGE
    )

    assert response.status_code == 302
    assert certifications(db, carla) == []
    assert stored_files(uploads_dir) == []


def test_certificate_remove_answers_404_for_another_trainers_certificate(
    client, login, db, carla, diego, uploads_dir
):
    login(diego.user)
    post_form(
        client,
        f"{PAGE}certifications",
        {"title": "Mine", "file": upload(pdf_bytes())},
        token_from=PAGE,
    )
    [theirs] = certifications(db, diego)
    login(carla.user)

    response = post_form(client, f"{PAGE}certifications/{theirs.id}/delete", token_from=PAGE)
    unknown = post_form(client, f"{PAGE}certifications/999999/delete", token_from=PAGE)

    assert (response.status_code, unknown.status_code) == (404, 404)
    assert [c.id for c in certifications(db, diego)] == [theirs.id]
    assert len(stored_files(uploads_dir)) == 1


def test_upload_over_the_request_limit_gets_the_413_page_not_a_500(as_carla, app, uploads_dir):
    too_big = b"\0" * (app.config["MAX_CONTENT_LENGTH"] + 1)

    response = post_form(as_carla, f"{PAGE}photo", {"photo": upload(too_big)}, token_from=PAGE)

    assert response.status_code == 413
    assert stored_files(uploads_dir) == []


# --- upload limit ---------------------------------------------------------------


def test_photos_and_certificates_share_one_upload_limit_per_user(
    app, as_carla, db, carla, uploads_dir, monkeypatch
):
    monkeypatch.setitem(app.config, "UPLOAD_LIMIT", "2 per minute")

    photo = post_form(
        as_carla, f"{PAGE}photo", {"photo": upload(image_bytes(), "me.png")}, token_from=PAGE
    )
    certificate = post_form(
        as_carla,
        f"{PAGE}certifications",
        {"title": "First aid", "file": upload(pdf_bytes(), "fa.pdf", "application/pdf")},
        token_from=PAGE,
    )
    third = post_form(
        as_carla, f"{PAGE}photo", {"photo": upload(image_bytes(), "again.png")}, token_from=PAGE
    )

    assert [photo.status_code, certificate.status_code, third.status_code] == [302, 302, 429]
    assert len(stored_files(uploads_dir)) == 2
    assert as_carla.get(PAGE).status_code == 200  # the page itself still opens


def test_default_upload_limit_is_five_a_minute_and_thirty_an_hour(app):
    assert app.config["UPLOAD_LIMIT"] == "5 per minute;30 per hour"
