"""Uploaded files are served only to the people allowed to see them."""

import pytest

from app.accounts.models import User
from app.core import uploads
from app.trainers import services
from tests.accounts.support import fresh
from tests.trainers.support import file_storage, image_bytes, pdf_bytes


@pytest.fixture
def certificate(carla):
    return services.add_certification(
        carla.id,
        title="RYT 200 / Yoga Alliance",
        upload=file_storage(pdf_bytes(), "ryt.pdf", "application/pdf"),
        actor=carla.user,
    )


@pytest.fixture
def photo_path(db, carla):
    services.change_photo(carla.id, file_storage(image_bytes()), actor=carla.user)
    return fresh(db, User, carla.user_id).photo_path


def test_certificate_is_served_to_its_trainer(client, login, carla, certificate):
    login(carla.user)

    response = client.get(f"/files/certifications/{certificate.id}")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data == pdf_bytes()
    assert "no-store" in response.headers["Cache-Control"]
    assert "RYT 200  Yoga Alliance.pdf" in response.headers["Content-Disposition"]


def test_certificate_is_served_to_an_admin(client, login, admin, certificate):
    login(admin)

    response = client.get(f"/files/certifications/{certificate.id}")

    assert (response.status_code, response.data) == (200, pdf_bytes())


@pytest.mark.parametrize("who", ["other_trainer", "member", "front_desk"])
def test_certificate_is_404_to_anyone_else(client, login, factories, diego, certificate, who):
    person = {
        "other_trainer": lambda: diego.user,
        "member": factories.member,
        "front_desk": factories.front_desk,
    }[who]()
    login(person)

    assert client.get(f"/files/certifications/{certificate.id}").status_code == 404


def test_certificate_sends_signed_out_visitors_to_sign_in(client, certificate):
    response = client.get(f"/files/certifications/{certificate.id}")

    assert response.status_code == 302
    assert response.location.startswith("/login?next=")


def test_certificate_is_404_when_unknown_or_its_file_is_gone(client, login, admin, certificate):
    login(admin)
    uploads.delete_file(certificate.file_path)

    assert client.get(f"/files/certifications/{certificate.id}").status_code == 404
    assert client.get("/files/certifications/999999").status_code == 404


def test_photo_is_served_to_any_signed_in_person(client, login, factories, photo_path):
    login(factories.member())

    response = client.get(f"/files/{photo_path}")

    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert "private" in response.headers["Cache-Control"]


def test_photo_sends_signed_out_visitors_to_sign_in(client, photo_path):
    assert client.get(f"/files/{photo_path}").location.startswith("/login?next=")


@pytest.mark.parametrize(
    "path",
    [
        "/files/photos/missing.jpg",
        "/files/photos/../certifications/x.pdf",
        "/files/photos/..%2Fcertifications%2Fx.pdf",
        "/files/photos/%2e%2e/secret_key",
        "/files/photos/sub/dir.jpg",
        "/files/photos/notes.txt",
    ],
)
def test_photo_is_404_for_anything_but_a_stored_photo(client, login, factories, path):
    login(factories.member())

    assert client.get(path).status_code == 404


def test_photo_route_never_serves_a_certificate(client, login, factories, certificate):
    login(factories.member())
    name = certificate.file_path.split("/")[-1]

    response = client.get(f"/files/photos/../certifications/{name}")
    encoded = client.get(f"/files/photos/..%2Fcertifications%2F{name}")

    assert (response.status_code, encoded.status_code) == (404, 404)
