"""Every coloured button, badge and alert class a template uses meets WCAG AA
contrast, whether or not the demo data happens to show it today (a check-in
button only appears within its window): each class is rendered as a swatch
on a real page with our stylesheets and checked by axe."""

import re

import pytest

from app.config import ROOT
from tests.e2e.test_accessibility import describe, run_axe

pytestmark = pytest.mark.e2e

COLOURED = re.compile(
    r"\b((?:btn|btn-outline|alert|text)-(?:primary|secondary|success|warning|danger|info)"
    r"|bg-[a-z]+-lt)\b"
)


def _classes_used() -> list[str]:
    found = set()
    for path in ROOT.glob("templates/**/*.html"):
        found.update(COLOURED.findall(path.read_text(encoding="utf-8")))
    return sorted(found)


def _swatch(css: str) -> str:
    if css.startswith(("btn-", "btn-outline-")):
        return f'<button type="button" class="btn btn-sm {css}">Check in 12</button>'
    if css.startswith("alert-"):
        return f'<div class="alert {css}" role="status">A message 12</div>'
    if css.startswith("bg-"):
        return f'<span class="badge {css}">Badge 12</span>'
    return f'<p class="small {css}">Some text 12</p>'


def test_every_coloured_class_in_the_templates_meets_contrast(page, screenshot):
    classes = _classes_used()
    assert "btn-success" in classes and "bg-purple-lt" in classes, classes
    page.goto("/login")
    page.evaluate(
        """html => {
            const box = document.createElement('div');
            box.id = 'swatches';
            box.className = 'container py-3';
            box.innerHTML = html;
            document.querySelector('main').prepend(box);
        }""",
        "".join(f"<div class='mb-2'>{_swatch(css)}</div>" for css in classes),
    )
    screenshot(page)
    violations = run_axe(page, "#swatches")
    assert not violations, describe(violations)
