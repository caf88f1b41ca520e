"""The Spanish catalogue is complete and compiled, and Spanish pages show no English.

A string added to the code without a translation fails here: run
`bin/translations update`, translate it in app/translations/es, then
`bin/translations compile`.
"""

import os
import re
import subprocess
import sys
from html import unescape
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from flask_babel import force_locale, gettext, ngettext

from tests.conftest import post_form

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "app" / "translations"
LANGUAGES = ("es", "en")
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrs]")


def po_path(language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"


def load_po(path: Path):
    with path.open("rb") as f:
        return read_po(f)


def forms(value) -> list[str]:
    """The singular and plural of a plural entry, or the one string."""
    return list(value) if isinstance(value, tuple | list) else [value]


def messages(catalog) -> list:
    return [m for m in catalog if m.id]  # the header has the empty msgid


def key(message) -> tuple:
    return tuple(forms(message.id)), message.context


@pytest.fixture(scope="module")
def es():
    return load_po(po_path("es"))


# --- the catalogue ---------------------------------------------------------------


def test_the_spanish_catalogue_has_no_empty_or_fuzzy_entry(es):
    assert not es.fuzzy, "remove the '#, fuzzy' flag of the es catalogue header"
    fuzzy = [m.id for m in messages(es) if m.fuzzy]
    empty = [m.id for m in messages(es) if not all(forms(m.string))]
    assert not fuzzy, f"fuzzy entries to review in {po_path('es')}: {fuzzy}"
    assert not empty, f"untranslated entries in {po_path('es')}: {empty}"


def extract_source_strings(tmp_path: Path):
    """What `bin/translations extract` finds in the code right now."""
    out = tmp_path / "messages.pot"
    env = dict(os.environ)
    if (Path(sys.prefix) / "bin" / "pybabel").exists():
        env["CUPO_VENV"] = sys.prefix  # the virtualenv running the tests
    subprocess.run(
        [str(ROOT / "bin" / "translations"), "extract", str(out)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return load_po(out)


def test_every_string_in_the_code_is_in_the_spanish_catalogue(es, tmp_path):
    source = extract_source_strings(tmp_path)
    assert len(messages(source)) > 50, "extraction found almost nothing: check babel.cfg"
    in_catalogue = {key(m) for m in messages(es)}
    missing = [m.id for m in messages(source) if key(m) not in in_catalogue]
    assert not missing, (
        f"not in {po_path('es')} (run bin/translations update and translate): {missing}"
    )


def test_placeholders_are_the_same_in_every_translation(es):
    wrong = []
    for message in messages(es):
        wanted = set().union(*(PLACEHOLDER.findall(text) for text in forms(message.id)))
        for text in forms(message.string):
            if set(PLACEHOLDER.findall(text)) != wanted:
                wrong.append((message.id, text))
    assert not wrong, f"placeholders differ between msgid and msgstr: {wrong}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_committed_mo_is_compiled_from_the_current_po(language):
    def entries(catalog) -> dict:
        return {key(m): tuple(forms(m.string)) for m in catalog if m.id}

    compiled_now = BytesIO()
    write_mo(compiled_now, load_po(po_path(language)))
    compiled_now.seek(0)
    with po_path(language).with_suffix(".mo").open("rb") as f:
        committed = entries(read_mo(f))
    assert committed == entries(read_mo(compiled_now)), (
        f"{language} .mo is older than its .po: run bin/translations compile"
    )


def test_the_catalogues_are_the_ones_the_app_uses(app):
    with app.test_request_context():
        with force_locale("es"):
            assert gettext("Sign in") == "Iniciar sesión"
            assert ngettext("%(num)d person", "%(num)d people", 3) == "3 personas"
        with force_locale("en"):
            assert gettext("Sign in") == "Sign in"
            assert ngettext("%(num)d person", "%(num)d people", 1) == "1 person"
            assert ngettext("%(num)d person", "%(num)d people", 3) == "3 people"


# --- the Spanish pages --------------------------------------------------------------


class VisibleText(HTMLParser):
    """Text nodes outside <script>/<style>, plus the attributes people read or hear."""

    ATTRIBUTES = {"aria-label", "placeholder", "title", "alt"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        self.chunks += [value for name, value in attrs if name in self.ATTRIBUTES and value]

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.chunks.append(data)


def visible_text(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    chunks = (" ".join(chunk.split()) for chunk in parser.chunks)
    return [chunk for chunk in chunks if chunk]


def english_pattern(msgid: str) -> re.Pattern:
    """The msgid as shown on a page: placeholders match anything, whole words only."""
    text = " ".join(unescape(msgid).split())
    literal = ".+?".join(re.escape(part) for part in PLACEHOLDER.split(text))
    start = r"(?<!\w)" if re.match(r"\w", text) else ""
    end = r"(?!\w)" if re.search(r"\w$", text) else ""
    return re.compile(start + literal + end)


@pytest.fixture(scope="module")
def english(es) -> dict[str, re.Pattern]:
    """English msgids of two words or more whose Spanish differs."""
    found = {}
    for message in messages(es):
        for msgid, msgstr in zip(forms(message.id), forms(message.string), strict=False):
            if len(msgid.split()) >= 2 and msgid != msgstr:
                found[msgid] = english_pattern(msgid)
    return found


@pytest.fixture
def spanish_client(client):
    """A browser that never chose a language: the gym's default, Spanish."""
    client.delete_cookie("cupo_lang")
    return client


def assert_spanish(response, english: dict[str, re.Pattern], *, status: int = 200) -> str:
    path = response.request.path
    html = response.get_data(as_text=True)
    assert response.status_code == status, f"{response.request.method} {path}"
    assert '<html lang="es">' in html, f"{path} is not in Spanish"
    leftovers = sorted(
        {
            msgid
            for chunk in visible_text(html)
            for msgid, pattern in english.items()
            if pattern.search(chunk)
        }
    )
    assert not leftovers, f"English on the Spanish page {path}: {leftovers}"
    return html


def test_anonymous_pages_are_in_spanish(spanish_client, english):
    for path in ("/", "/login", "/password/forgot"):
        assert_spanish(spanish_client.get(path), english)
    html = assert_spanish(spanish_client.get("/no-such-page"), english, status=404)
    assert "Página no encontrada" in unescape(html)
    html = assert_spanish(post_form(spanish_client, "/login", {}), english)
    assert "Escribe un correo electrónico." in unescape(html)


def test_back_office_pages_are_in_spanish(spanish_client, factories, login, english):
    admin = factories.admin(language="es")
    member = factories.member(language="es")
    login(admin)
    for path in (
        "/admin/",
        "/admin/users/",
        "/admin/users/new",
        f"/admin/users/{member.id}",
        "/admin/settings/",
        "/admin/emails/",
        "/admin/audit",
    ):
        assert_spanish(spanish_client.get(path), english)

    html = assert_spanish(post_form(spanish_client, "/admin/users/new", {}), english)
    assert "Escribe el nombre de la persona." in unescape(html), "no error messages shown"


def test_member_pages_are_in_spanish(spanish_client, factories, login, english):
    login(factories.member(language="es"))
    for path in ("/app/", "/app/profile"):
        assert_spanish(spanish_client.get(path), english)
    assert_spanish(spanish_client.get("/admin/"), english, status=403)


def test_trainer_pages_are_in_spanish(spanish_client, factories, login, english):
    login(factories.trainer(language="es"))
    assert_spanish(spanish_client.get("/trainer/"), english)
