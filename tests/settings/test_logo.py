"""The gym's logo: uploaded and removed by admins on the settings page, served
at /logo for everyone, and printed on invoices instead of the app's icon."""

import base64

import pytest
from sqlalchemy import select

from app.billing.models import Invoice
from app.billing.services import documents
from app.core import audit
from app.core.audit import AuditEntry
from app.core.uploads import APP_ICONS, app_icon_path
from app.settings.models import GymSettings
from app.settings.services import change_logo, remove_logo
from tests.accounts.support import field_error, flashes
from tests.billing.documents_support import require_weasyprint, stored_invoice
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

PAGE = "/admin/settings/"
UPLOAD = "/admin/settings/logo"
REMOVE = "/admin/settings/logo/remove"


@pytest.fixture
def admin(factories):
    return factories.admin(name="Ada Admin")


@pytest.fixture
def as_admin(client, login, admin):
    login(admin)
    return client


def _logo_path(db) -> str | None:
    return db.session.scalar(select(GymSettings.logo_path).where(GymSettings.id == 1))


def logo_files(folder, logo_path: str) -> list:
    """A logo's file and the app icons made from it, as `stored_files` lists them."""
    names = [logo_path, *(app_icon_path(logo_path, name) for name in APP_ICONS)]
    return sorted(folder / name for name in names)


def _audit(db, action: str) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    return list(db.session.scalars(query))


def _post_logo(client, data: bytes, filename="logo.png", content_type="image/png"):
    return post_form(
        client, UPLOAD, {"logo": upload(data, filename, content_type)}, token_from=PAGE
    )


# --- upload, replace, remove ----------------------------------------------------


def test_admin_uploads_a_logo_stored_as_a_png_fitting_512_with_its_proportions(
    as_admin, db, admin, uploads_dir
):
    response = _post_logo(as_admin, image_bytes((1200, 400), fmt="JPEG"), "logo.jpg", "image/jpeg")

    assert response.status_code == 302
    path = _logo_path(db)
    assert path.startswith("logos/") and path.endswith(".png")
    image = open_image(uploads_dir / path)
    assert (image.format, image.size) == ("PNG", (512, 171))
    [entry] = _audit(db, "settings.logo_changed")
    assert entry.actor_id == admin.id
    assert (entry.before, entry.after) == ({"logo_path": None}, {"logo_path": path})
    page = as_admin.get(PAGE)
    assert "Logo updated." in flashes(page)
    assert 'src="/logo?v=' in page.get_data(as_text=True)


def test_logo_keeps_its_transparency_and_small_logos_are_not_enlarged(db, admin, uploads_dir):
    change_logo(file_storage(image_bytes((200, 80), mode="RGBA", colour=(0, 0, 0, 0))), actor=admin)

    image = open_image(uploads_dir / _logo_path(db))
    assert (image.mode, image.size) == ("RGBA", (200, 80))
    assert image.getpixel((10, 10))[3] == 0


def test_replacing_the_logo_deletes_the_old_file(as_admin, db, uploads_dir):
    _post_logo(as_admin, image_bytes((300, 300)))
    first = _logo_path(db)

    _post_logo(as_admin, image_bytes((300, 100), fmt="WEBP"), "logo.webp", "image/webp")

    second = _logo_path(db)
    assert second != first
    assert stored_files(uploads_dir) == logo_files(uploads_dir, second)
    assert [e.before for e in _audit(db, "settings.logo_changed")] == [
        {"logo_path": None},
        {"logo_path": first},
    ]


def test_admin_removes_the_logo_and_its_file(as_admin, db, admin, uploads_dir):
    _post_logo(as_admin, image_bytes())
    path = _logo_path(db)

    response = post_form(as_admin, REMOVE, token_from=PAGE)

    assert response.status_code == 302
    assert _logo_path(db) is None
    assert stored_files(uploads_dir) == []
    [entry] = _audit(db, "settings.logo_removed")
    assert (entry.actor_id, entry.before, entry.after) == (
        admin.id,
        {"logo_path": path},
        {"logo_path": None},
    )
    page = as_admin.get(PAGE).get_data(as_text=True)
    assert "No logo yet." in page
    assert "Remove logo" not in page


def test_removing_when_there_is_no_logo_changes_nothing(db, admin):
    remove_logo(actor=admin)

    assert _logo_path(db) is None
    assert _audit(db, "settings.logo_removed") == []


def test_logo_upload_removes_the_new_file_when_the_transaction_fails(
    db, admin, uploads_dir, monkeypatch
):
    def broken_record(*args, **kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(audit, "record", broken_record)

    with pytest.raises(RuntimeError):
        change_logo(file_storage(image_bytes()), actor=admin)

    assert stored_files(uploads_dir) == []
    assert _logo_path(db) is None


# --- refused files and people ---------------------------------------------------


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (
            upload(b"just some text\n", "logo.png", "image/png"),
            "Choose a JPEG, PNG or WebP picture.",
        ),
        (upload(noisy_png(over(2)), "big.png"), "The file is too large: at most 2 MB."),
        (upload(b"", "empty.png"), "The file is empty. Choose another one."),
        (upload(b"\x89PNG\r\n\x1a\nbroken", "x.png"), "This image could not be read."),
    ],
    ids=["text-renamed-png", "oversized", "empty", "corrupt"],
)
def test_bad_logo_shows_a_field_error_and_writes_nothing(as_admin, db, uploads_dir, file, message):
    response = post_form(as_admin, UPLOAD, {"logo": file}, token_from=PAGE)

    assert response.status_code == 200
    assert field_error(response, "logo").startswith(message)
    assert stored_files(uploads_dir) == []
    assert _logo_path(db) is None
    assert _audit(db, "settings.logo_changed") == []


def test_logo_upload_asks_for_a_file_when_none_is_chosen(as_admin, db, uploads_dir):
    response = post_form(as_admin, UPLOAD, {}, token_from=PAGE)

    assert response.status_code == 200
    assert field_error(response, "logo") == "Choose a picture."
    assert stored_files(uploads_dir) == []


@pytest.mark.parametrize("role", ["front_desk", "trainer", "member"])
def test_logo_upload_and_removal_are_refused_to_everyone_but_admins(
    client, login, db, factories, admin, uploads_dir, role
):
    change_logo(file_storage(image_bytes()), actor=admin)
    kept = _logo_path(db)
    login(getattr(factories, role)())

    uploaded = post_form(
        client, UPLOAD, {"logo": upload(image_bytes())}, token_from="/password/forgot"
    )
    removed = post_form(client, REMOVE, token_from="/password/forgot")

    assert (uploaded.status_code, removed.status_code) == (403, 403)
    assert _logo_path(db) == kept
    assert stored_files(uploads_dir) == logo_files(uploads_dir, kept)


# --- /logo and the layouts --------------------------------------------------------


def test_logo_is_served_to_anyone_with_caching_headers(client, db, admin, uploads_dir):
    change_logo(file_storage(image_bytes((300, 100))), actor=admin)

    response = client.get("/logo")

    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.data == (uploads_dir / _logo_path(db)).read_bytes()
    assert response.cache_control.public and response.cache_control.max_age == 86400
    assert response.headers.get("ETag")


def test_logo_keeps_its_caching_for_a_signed_in_person(client, db, admin, login, uploads_dir):
    """The logo is the same for everyone (`@shared_file`): not `no-store` like private files."""
    change_logo(file_storage(image_bytes((300, 100))), actor=admin)
    login(admin)

    response = client.get("/logo")

    assert response.status_code == 200
    assert "no-store" not in response.headers["Cache-Control"]
    assert response.cache_control.public and response.cache_control.max_age == 86400


def test_logo_is_404_without_one(client, db):
    assert client.get("/logo").status_code == 404


def test_layouts_show_the_logo_beside_the_gym_name_once_uploaded(
    client, login, db, factories, admin
):
    login(factories.member())
    assert "/logo?v=" not in client.get("/app/").get_data(as_text=True)

    change_logo(file_storage(image_bytes()), actor=admin)

    assert "/logo?v=" in client.get("/app/").get_data(as_text=True)


# --- invoices -------------------------------------------------------------------


def _invoice(db, factories) -> Invoice:
    return db.session.get(Invoice, stored_invoice(db, factories.member())["invoice_id"])


def test_invoice_embeds_the_uploaded_logo_as_a_data_url(db, factories, admin, uploads_dir, app_ctx):
    change_logo(file_storage(image_bytes((300, 100))), actor=admin)
    png = (uploads_dir / _logo_path(db)).read_bytes()

    html = documents.invoice_html(_invoice(db, factories))

    assert f'src="data:image/png;base64,{base64.b64encode(png).decode()}"' in html
    assert "image/svg+xml" not in html


def test_invoice_shows_the_app_icon_without_a_logo_or_when_its_file_is_missing(
    db, factories, admin, uploads_dir, app_ctx
):
    invoice = _invoice(db, factories)
    assert 'src="data:image/svg+xml;base64,' in documents.invoice_html(invoice)

    change_logo(file_storage(image_bytes()), actor=admin)
    (uploads_dir / _logo_path(db)).unlink()

    assert 'src="data:image/svg+xml;base64,' in documents.invoice_html(invoice)


def test_invoice_pdf_draws_the_uploaded_logo_as_an_image(
    db, factories, admin, uploads_dir, app_ctx
):
    require_weasyprint()
    invoice = _invoice(db, factories)
    without = documents.invoice_pdf(invoice)
    change_logo(file_storage(image_bytes((300, 100))), actor=admin)

    pdf = documents.invoice_pdf(invoice)

    assert b"/Image" not in without
    assert b"/Image" in pdf
