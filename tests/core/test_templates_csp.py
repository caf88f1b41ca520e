"""Templates fit a strict Content-Security-Policy: no inline event handlers
(`onsubmit=`, `onclick=`...) and no `style=` attributes.

Behaviour goes in static/js/app.js behind data- attributes, sizes in
static/css/app.css. Emails keep their inline styles: mail clients need them.
"""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
STYLE_ALLOWED = ("emails",)
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
TAG = re.compile(r"<[a-zA-Z][^<>]*>")
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE = re.compile(r"\sstyle\s*=", re.I)
#: a <style> block, or a <script> without src: inline code a strict CSP refuses
INLINE_BLOCK = re.compile(r"<style\b|<script\b(?![^>]*\bsrc=)[^>]*>", re.I)
#: rendered by WeasyPrint or a mail client, never by a browser under our CSP
NOT_A_PAGE = ("emails/", "billing/invoice_pdf.html", "staff/pay/statement_pdf.html")


def attributes(text: str, pattern: re.Pattern) -> list[int]:
    """Line numbers of `pattern` inside a tag of `text`, Jinja code blanked out
    (an attribute inside `{% if %}...{% endif %}` still counts)."""
    text = JINJA.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)
    return [
        text.count("\n", 0, tag.start() + attr.start()) + 1
        for tag in TAG.finditer(text)
        for attr in pattern.finditer(tag.group())
    ]


def offences(name: str, text: str) -> list[str]:
    """'file:line attribute' for each forbidden attribute; `name` is under templates/."""
    patterns = {"on<event>=": HANDLER}
    if name.split("/")[0] not in STYLE_ALLOWED:
        patterns["style="] = STYLE
    found = [
        f"{name}:{line} {label}"
        for label, pattern in patterns.items()
        for line in attributes(text, pattern)
    ]
    if not name.startswith(NOT_A_PAGE):
        found += [
            f"{name}:{text.count(chr(10), 0, m.start()) + 1} inline {m.group()[:7]}"
            for m in INLINE_BLOCK.finditer(text)
        ]
    return found


def test_templates_have_no_inline_handlers_or_style_attributes():
    found = [
        offence
        for path in sorted(TEMPLATES.rglob("*.html"))
        for offence in offences(path.relative_to(TEMPLATES).as_posix(), path.read_text("utf-8"))
    ]

    assert not found, "move these to static/js/app.js or static/css/app.css:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "name, text",
    [
        ("macros/forms.html", '<form{% if c %} onsubmit="return confirm({{ c }})"{% endif %}>'),
        ("trainers/home.html", '<input id="feed"\n  value="{{ url }}" onFocus="this.select()">'),
        ("layouts/member.html", '<img src="{{ logo }}" style="max-width: 96px">'),
        ("emails/_layout.html", '<a href="#" onclick="go()">'),
        ("scheduling/staff/calendar.html", "{% block head %}<style>.a { b: c }</style>"),
        ("layouts/base.html", "<script>alert(1)</script>"),
    ],
)
def test_the_check_finds_old_markup(name, text):
    assert offences(name, text)


def test_the_check_leaves_emails_styles_text_and_jinja_alone():
    text = '<p style="color: #000">Based on=this</p>{{ button(onclick=1) }}{% set style = 1 %}'

    assert offences("emails/_layout.html", text) == []
    assert offences("billing/invoice_pdf.html", "<style>@page { size: A4 }</style>") == []
    assert offences("layouts/base.html", '<script src="/static/js/app.js" defer></script>') == []
