"""Markup rules the W3C Nu checker holds us to (tests/test_valid_html.py runs
it on every page), checked here without Java: htmx attributes spelled
`data-hx-*`, required selects that start blank and refuse the blank, one id
per page even with several forms, and the public pages' icon and description.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from app.core.forms import IdSelectField

ROOT = Path(__file__).resolve().parents[2]
#: an htmx attribute without the data- prefix (`hx-get=`, ` hx-swap-oob`)
BARE_HX = re.compile(r"(?<![\w-])hx-[a-z-]+(?=[\s=>])")


class _Page(HTMLParser):
    """Every id, every <select required> with its options, and the <head> links."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.selects: list[dict] = []
        self.head: list[dict] = []
        self.forms = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "form":
            self.forms += 1
        elif tag == "select":
            self.selects.append(
                {"name": attrs.get("name"), "required": "required" in attrs, "options": []}
            )
        elif tag == "option" and self.selects:
            self.selects[-1]["options"].append(attrs)
        elif tag in ("link", "meta"):
            self.head.append({"tag": tag, **attrs})


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def duplicates(ids: list[str]) -> list[str]:
    return sorted({i for i in ids if ids.count(i) > 1})


@pytest.mark.parametrize("folder", ["templates", "static/js"])
def test_no_template_or_script_has_a_bare_hx_attribute(folder):
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / folder).rglob("*"))
        if path.suffix in (".html", ".js")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if BARE_HX.search(line)
    ]
    assert found == [], "spell htmx attributes data-hx-* (valid HTML):\n" + "\n".join(found)


def test_the_bare_hx_check_tells_the_spellings_apart():
    assert BARE_HX.search('<form hx-get="/x">')
    assert BARE_HX.search('<div id="c" hx-swap-oob="true">')
    assert not BARE_HX.search('<form data-hx-get="/x" data-hx-swap-oob="true">')
    assert not BARE_HX.search('addEventListener("htmx:afterSwap")')


class _PickForm(FlaskForm):
    class Meta:
        csrf = False

    room = IdSelectField("Room", invalid_message="Choose a room.")
    trainer = IdSelectField("Trainer", blank_label="Anyone", invalid_message="Choose a trainer.")


def _pick(app, data=None) -> _PickForm:
    form = _PickForm(formdata=MultiDict(data) if data is not None else None)
    form.room.set_options([(1, "Studio"), (2, "Pool")])
    form.trainer.set_options([(7, "Carla")])
    return form


def test_a_required_id_select_starts_with_a_blank_choose_option(app):
    with app.test_request_context(headers={"Cookie": "cupo_lang=en"}):
        [select] = parse(str(_pick(app).room())).selects

    assert select["required"]
    assert select["options"][0] == {"selected": None, "value": ""}
    assert [o["value"] for o in select["options"]] == ["", "1", "2"]


def test_a_required_id_select_refuses_the_blank_with_a_field_error(app):
    with app.test_request_context(headers={"Cookie": "cupo_lang=en"}):
        blank = _pick(app, {"room": "", "trainer": ""})
        missing = _pick(app, {"trainer": "7"})
        chosen = _pick(app, {"room": "2", "trainer": ""})

        assert not blank.validate() and blank.errors == {"room": ["Choose a room."]}
        assert not missing.validate() and missing.errors == {"room": ["Choose a room."]}
        assert chosen.validate(), chosen.errors
        assert (chosen.room.data, chosen.trainer.data) == (2, None)
        # the optional select keeps its own blank label, first and not required
        [select] = parse(str(chosen.trainer())).selects
        assert not select["required"] and select["options"][0]["value"] == ""


def test_staff_forms_start_their_required_selects_blank(client, factories, login):
    login(factories.admin())
    for path in ("/admin/sessions/new", "/admin/timetable/new"):
        page = parse(client.get(path).get_data(as_text=True))
        required = [s for s in page.selects if s["required"]]
        assert required, f"{path} has no required select"
        for select in required:
            first = select["options"][0]
            assert first.get("value") == "", f"{path}: {select['name']} starts with {first}"
            assert not [o for o in select["options"] if "selected" in o and o.get("value")]


def test_a_page_with_two_forms_has_no_duplicate_ids(client, factories, login):
    member = factories.member()
    login(factories.admin())

    response = client.get(f"/admin/members/{member.id}/membership")

    page = parse(response.get_data(as_text=True))
    assert response.status_code == 200 and page.forms >= 3  # with the language menu
    assert "csrf_token" not in page.ids
    assert duplicates(page.ids) == []


def test_every_page_links_an_icon_and_favicon_ico_answers(client):
    page = parse(client.get("/login").get_data(as_text=True))
    icons = [t["href"] for t in page.head if t["tag"] == "link" and t.get("rel") == "icon"]
    assert icons and all(client.get(href).status_code == 200 for href in icons)

    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/vnd.microsoft.icon"
    assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file


@pytest.mark.parametrize("path", ["/", "/schedule", "/login"])
def test_public_pages_have_a_meta_description(client, path):
    page = parse(client.get(path).get_data(as_text=True))
    [description] = [t for t in page.head if t.get("name") == "description"]
    assert len(description["content"]) > 30


def test_the_public_home_links_to_the_timetable(client):
    html = client.get("/").get_data(as_text=True)
    assert 'href="/schedule"' in html and "See the class timetable" in html
