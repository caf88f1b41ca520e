"""Trainer services for files: photos and certificates, checked, stored, removed."""

import pytest

from app.accounts.models import User
from app.core import audit
from app.core.errors import AccessDenied
from app.trainers import services
from app.trainers.models import Certification
from app.trainers.services import TrainerError
from tests.accounts.support import fresh
from tests.trainers.support import (
    certifications,
    file_storage,
    image_bytes,
    noisy_png,
    open_image,
    over,
    pdf_bytes,
    stored_files,
    trainer_audit,
    two_colour_jpeg,
)


@pytest.fixture(autouse=True)
def english(app, db):
    """Messages in English (outside requests the gym's language would be used)."""
    with app.test_request_context(headers={"Cookie": "cupo_lang=en"}):
        yield


# --- photos -------------------------------------------------------------------


def test_change_photo_stores_a_512_square_jpeg_when_the_image_is_valid(db, carla, uploads_dir):
    services.change_photo(carla.id, file_storage(image_bytes((800, 600))), actor=carla.user)

    path = fresh(db, User, carla.user_id).photo_path
    assert path.startswith("photos/") and path.endswith(".jpg")
    image = open_image(uploads_dir / path)
    assert (image.format, image.size) == ("JPEG", (512, 512))
    [entry] = trainer_audit(db, carla, "trainer.photo_changed")
    assert (entry.before, entry.after) == ({"photo_path": None}, {"photo_path": path})


def test_change_photo_removes_the_old_file_when_replaced(db, admin, carla, uploads_dir):
    services.change_photo(carla.id, file_storage(image_bytes()), actor=carla.user)
    first = fresh(db, User, carla.user_id).photo_path

    services.change_photo(carla.id, file_storage(image_bytes(fmt="JPEG")), actor=admin)

    second = fresh(db, User, carla.user_id).photo_path
    assert second != first
    assert stored_files(uploads_dir) == [uploads_dir / second]


def test_change_photo_turns_the_picture_upright_from_its_exif_orientation(db, carla, uploads_dir):
    # stored sideways: shown upright (after a quarter turn) the red half is on top
    services.change_photo(carla.id, file_storage(two_colour_jpeg(orientation=6)), actor=carla.user)

    image = open_image(uploads_dir / fresh(db, User, carla.user_id).photo_path)
    top, bottom = image.getpixel((100, 20)), image.getpixel((100, 490))
    assert top[0] > 200 and top[2] < 60, top
    assert bottom[2] > 200 and bottom[0] < 60, bottom


def test_change_photo_puts_transparent_pictures_on_white(db, carla, uploads_dir):
    data = image_bytes((300, 300), mode="RGBA", colour=(0, 0, 0, 0))

    services.change_photo(carla.id, file_storage(data), actor=carla.user)

    image = open_image(uploads_dir / fresh(db, User, carla.user_id).photo_path)
    assert min(image.getpixel((256, 256))) > 240


@pytest.mark.parametrize(
    ("data", "filename", "content_type", "message"),
    [
        (noisy_png(over(5)), "big.png", "image/png", "The file is too large: at most 5 MB."),
        (pdf_bytes(), "cv.png", "image/png", "Choose a JPEG, PNG or WebP picture."),
        (b"GIF89a" + b"\0" * 50, "a.gif", "image/gif", "Choose a JPEG, PNG or WebP picture."),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "a.png", "image/png", "Choose a JPEG"),
        (
            b"\x89PNG\r\n\x1a\n" + b"garbage" * 100,
            "broken.png",
            "image/png",
            "This image could not be read. Choose another file.",
        ),
        (b"", "empty.png", "image/png", "The file is empty. Choose another one."),
    ],
    ids=["oversized", "pdf-renamed-png", "gif", "svg", "corrupt-png", "empty"],
)
def test_change_photo_writes_nothing_when_the_file_is_refused(
    app, db, carla, uploads_dir, data, filename, content_type, message
):
    with pytest.raises(TrainerError) as refused:
        services.change_photo(
            carla.id, file_storage(data, filename, content_type), actor=carla.user
        )

    assert refused.value.field == "photo"
    assert str(refused.value).startswith(message)
    assert stored_files(uploads_dir) == []
    assert fresh(db, User, carla.user_id).photo_path is None
    assert trainer_audit(db, carla) == []


def test_change_photo_is_refused_for_another_trainer_before_reading_the_file(
    db, carla, diego, uploads_dir
):
    with pytest.raises(AccessDenied):
        services.change_photo(carla.id, file_storage(image_bytes()), actor=diego.user)

    assert stored_files(uploads_dir) == []
    assert fresh(db, User, carla.user_id).photo_path is None


def test_change_photo_removes_the_new_file_when_the_transaction_fails(
    db, carla, uploads_dir, monkeypatch
):
    def broken_record(*args, **kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(audit, "record", broken_record)

    with pytest.raises(RuntimeError):
        services.change_photo(carla.id, file_storage(image_bytes()), actor=carla.user)

    assert stored_files(uploads_dir) == []
    assert fresh(db, User, carla.user_id).photo_path is None


# --- certifications -----------------------------------------------------------


def test_add_certification_stores_the_pdf_as_sent(db, carla, uploads_dir):
    data = pdf_bytes(padding=1000)

    certification = services.add_certification(
        carla.id,
        title="  RYT 200  ",
        upload=file_storage(data, "ryt.pdf", "application/pdf"),
        actor=carla.user,
    )

    [stored] = certifications(db, carla)
    assert stored.id == certification.id
    assert (stored.title, stored.content_type, stored.size_bytes) == (
        "RYT 200",
        "application/pdf",
        len(data),
    )
    assert stored.file_path.startswith("certifications/") and stored.file_path.endswith(".pdf")
    assert (uploads_dir / stored.file_path).read_bytes() == data
    [entry] = trainer_audit(db, carla, "trainer.certification_added")
    assert entry.after["title"] == "RYT 200"
    assert entry.after["certification_id"] == stored.id


@pytest.mark.parametrize(
    ("data", "content_type"),
    [(image_bytes(fmt="JPEG"), "image/jpeg"), (image_bytes(fmt="PNG"), "image/png")],
    ids=["jpeg", "png"],
)
def test_add_certification_accepts_images_by_their_bytes(db, carla, data, content_type):
    services.add_certification(
        carla.id,
        title="First aid",
        upload=file_storage(data, "scan.bin", "application/octet-stream"),
        actor=carla.user,
    )

    [stored] = certifications(db, carla)
    assert stored.content_type == content_type


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Just some text, named .pdf", "Choose a PDF, JPEG or PNG file."),
        (image_bytes(fmt="WEBP"), "Choose a PDF, JPEG or PNG file."),
        (pdf_bytes(padding=over(10)), "The file is too large: at most 10 MB."),
        (b"\xff\xd8\xff" + b"\0" * 64, "This image could not be read. Choose another file."),
    ],
    ids=["text-renamed-pdf", "webp", "oversized", "corrupt-jpeg"],
)
def test_add_certification_writes_nothing_when_the_file_is_refused(
    app, db, carla, uploads_dir, data, message
):
    with pytest.raises(TrainerError) as refused:
        services.add_certification(
            carla.id,
            title="RYT 200",
            upload=file_storage(data, "ryt.pdf", "application/pdf"),
            actor=carla.user,
        )

    assert (refused.value.field, str(refused.value)) == ("file", message)
    assert stored_files(uploads_dir) == []
    assert certifications(db, carla) == []


@pytest.mark.parametrize("title", ["", "   ", "t" * 121])
def test_add_certification_needs_a_title_of_at_most_120_characters(db, carla, uploads_dir, title):
    with pytest.raises(TrainerError) as refused:
        services.add_certification(
            carla.id, title=title, upload=file_storage(pdf_bytes()), actor=carla.user
        )

    assert refused.value.field == "title"
    assert stored_files(uploads_dir) == []


def test_add_certification_is_refused_for_another_trainer(db, carla, diego, uploads_dir):
    with pytest.raises(AccessDenied):
        services.add_certification(
            carla.id, title="Fake", upload=file_storage(pdf_bytes()), actor=diego.user
        )

    assert stored_files(uploads_dir) == []
    assert certifications(db, carla) == []


def test_add_certification_is_refused_past_the_limit(db, carla, uploads_dir, monkeypatch):
    monkeypatch.setattr(services, "MAX_CERTIFICATIONS", 1)
    services.add_certification(
        carla.id, title="One", upload=file_storage(pdf_bytes()), actor=carla.user
    )

    with pytest.raises(TrainerError) as refused:
        services.add_certification(
            carla.id, title="Two", upload=file_storage(pdf_bytes()), actor=carla.user
        )

    assert refused.value.field == "file"
    assert [c.title for c in certifications(db, carla)] == ["One"]
    assert len(stored_files(uploads_dir)) == 1


def test_remove_certification_deletes_the_row_and_the_file(db, admin, carla, uploads_dir):
    certification = services.add_certification(
        carla.id, title="RYT", upload=file_storage(pdf_bytes()), actor=carla.user
    )

    services.remove_certification(certification.id, actor=admin)

    assert certifications(db, carla) == []
    assert stored_files(uploads_dir) == []
    [entry] = trainer_audit(db, carla, "trainer.certification_removed")
    assert entry.before["title"] == "RYT"


def test_remove_certification_is_refused_for_another_trainers(db, carla, diego, uploads_dir):
    certification = services.add_certification(
        carla.id, title="RYT", upload=file_storage(pdf_bytes()), actor=carla.user
    )

    with pytest.raises(AccessDenied):
        services.remove_certification(certification.id, actor=diego.user)

    assert db.session.get(Certification, certification.id) is not None
    assert len(stored_files(uploads_dir)) == 1


def test_remove_certification_says_so_when_already_removed(db, carla):
    certification = services.add_certification(
        carla.id, title="RYT", upload=file_storage(pdf_bytes()), actor=carla.user
    )
    services.remove_certification(certification.id, actor=carla.user)

    with pytest.raises(TrainerError, match="already removed"):
        services.remove_certification(certification.id, actor=carla.user)
