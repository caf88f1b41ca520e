"""`bin/translations check` fails on an empty or fuzzy Spanish entry, and no
template hard-codes English in an attribute people read."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
PO = Path("app/translations/es/LC_MESSAGES/messages.po")
#: attributes read aloud or shown: their text must come from gettext
READ_ATTRIBUTES = re.compile(
    r'\b(title|aria-label|placeholder|alt|data-[\w-]*-text)="([^"{]*[A-Za-z]{3}[^"{]*)"'
)


@pytest.fixture
def checkout(tmp_path):
    """A copy of what `bin/translations check` reads, with this test's Python."""
    for name in ("bin", "app", "templates", "jobs"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "babel.cfg", tmp_path / "babel.cfg")
    return tmp_path


def _check(checkout):
    return subprocess.run(
        ["bash", "bin/translations", "check"],
        cwd=checkout,
        env={"CUPO_VENV": sys.prefix, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _break(checkout, old: str, new: str):
    po = checkout / PO
    text = po.read_text()
    assert old in text
    po.write_text(text.replace(old, new, 1))


def test_check_passes_on_the_committed_catalogue(checkout):
    assert _check(checkout).returncode == 0


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        (
            'msgid "Payment refunded"\nmsgstr "Pago reembolsado"',
            'msgid "Payment refunded"\nmsgstr ""',
            "untranslated",
        ),
        ('msgid "Payment refunded"\n', '#, fuzzy\nmsgid "Payment refunded"\n', "fuzzy"),
    ],
)
def test_check_fails_on_an_empty_or_fuzzy_entry(checkout, old, new, said):
    _break(checkout, old, new)
    result = _check(checkout)
    assert result.returncode == 1
    assert said in result.stdout and "Payment refunded" in result.stdout


def test_no_template_hard_codes_english_in_a_read_attribute():
    found = []
    for path in (ROOT / "templates").rglob("*.html"):
        if path.parts[-2] == "emails":
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for _name, value in READ_ATTRIBUTES.findall(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {value}")
    assert found == []
