"""The trainer pages speak Spanish, errors included (the main content; the
layouts are checked in tests/core/test_translations.py)."""

import re
from html import unescape

import pytest

from tests.conftest import post_form
from tests.core.test_translations import english_pattern, forms, load_po, messages, po_path
from tests.core.test_translations import visible_text as page_chunks
from tests.trainers.support import pdf_bytes, upload


@pytest.fixture(scope="module")
def english():
    """English msgids of two words or more whose Spanish differs."""
    found = {}
    for message in messages(load_po(po_path("es"))):
        for msgid, msgstr in zip(forms(message.id), forms(message.string), strict=False):
            if len(msgid.split()) >= 2 and msgid != msgstr:
                found[msgid] = english_pattern(msgid)
    return found


def main_text(response) -> list[str]:
    html = response.get_data(as_text=True)
    assert '<html lang="es">' in html
    main = re.search(r"<main\b.*?</main>", html, re.S)
    return page_chunks(main.group(0))


def leftovers(response, english) -> list[str]:
    return sorted(
        {
            msgid
            for chunk in main_text(response)
            for msgid, pattern in english.items()
            if pattern.search(chunk)
        }
    )


@pytest.fixture
def spanish(client):
    client.delete_cookie("cupo_lang")
    return client


def test_admin_trainer_pages_are_in_spanish(spanish, login, factories, english):
    carla = factories.trainer_profile(language="es", specialties=["yoga"])
    factories.trainer(language="es")
    login(factories.admin(language="es"))
    edit = f"/admin/trainers/{carla.id}"
    post_form(
        spanish,
        f"{edit}/certifications",
        {"title": "RYT", "file": upload(pdf_bytes(), "r.pdf")},
        token_from=edit,
    )

    pages = {
        "list": spanish.get("/admin/trainers/"),
        "new": spanish.get("/admin/trainers/new"),
        "edit": spanish.get(edit),
        "new-errors": post_form(spanish, "/admin/trainers/new", {"email": "not-an-email"}),
        "photo-errors": post_form(
            spanish, f"{edit}/photo", {"photo": upload(pdf_bytes(), "x.png")}, token_from=edit
        ),
    }

    assert {name: leftovers(page, english) for name, page in pages.items()} == dict.fromkeys(
        pages, []
    )
    assert "Escribe un correo electrónico válido." in unescape(pages["new-errors"].text)
    assert "Elige una imagen JPEG, PNG o WebP." in unescape(pages["photo-errors"].text)


def test_trainer_profile_page_is_in_spanish(spanish, login, factories, english):
    carla = factories.trainer_profile(language="es")
    login(carla.user)

    pages = {
        "profile": spanish.get("/trainer/profile/"),
        "errors": post_form(spanish, "/trainer/profile/", {"specialties": "x" * 41}),
        "file-errors": post_form(
            spanish,
            "/trainer/profile/certifications",
            {"title": "", "file": upload(b"text", "a.pdf")},
            token_from="/trainer/profile/",
        ),
    }

    assert {name: leftovers(page, english) for name, page in pages.items()} == dict.fromkeys(
        pages, []
    )
    assert "Cada especialidad puede tener máximo 40 caracteres" in unescape(pages["errors"].text)
