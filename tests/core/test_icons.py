"""The icon font is a subset (bin/icons): every icon the templates, scripts
and code use must be in it, so the subset can never go stale."""

import json
import re

from fontTools.ttLib import TTFont

from app.config import ROOT

ICONS = ROOT / "static" / "vendor" / "tabler-icons"
# The same patterns as bin/icons.
LITERAL = re.compile(r"(?<![\w-])ti-([a-z0-9]+(?:-[a-z0-9]+)*)(?![\w{-])")
QUOTED = re.compile(r"""(['"])([a-z0-9]+(?:-[a-z0-9]+)*)\1""")
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
RULE = re.compile(r'\.ti-([a-z0-9-]+):before\{content:"\\([0-9a-f]+)"\}')


def _sources():
    for pattern in ("templates/**/*.html", "static/js/**/*.js", "app/**/*.py"):
        yield from sorted(ROOT.glob(pattern))


def _subset_rules() -> dict[str, int]:
    css = (ICONS / "tabler-icons.min.css").read_text(encoding="utf-8")
    return {name: int(code, 16) for name, code in RULE.findall(css)}


def _record() -> dict:
    return json.loads((ICONS / "subset.json").read_text(encoding="utf-8"))


def test_every_ti_class_used_is_in_the_subset_stylesheet():
    rules = _subset_rules()
    missing = sorted(
        f"ti-{name} in {path.relative_to(ROOT)}"
        for path in _sources()
        for name in LITERAL.findall(path.read_text(encoding="utf-8"))
        if name not in rules
    )
    assert not missing, f"icons missing from the subset, run bin/icons: {missing}"


def test_every_word_a_template_could_pass_as_an_icon_was_checked_by_bin_icons():
    """`nav_item('x', 'home', ...)` names an icon without `ti-`: bin/icons
    looked at every quoted word in Jinja blocks; a new one means it must run again."""
    record = _record()
    checked = set(record["icons"]) | set(record["not_icons"])
    unchecked = sorted(
        f"{word!r} in {path.relative_to(ROOT)}"
        for path in ROOT.glob("templates/**/*.html")
        for block in JINJA.findall(path.read_text(encoding="utf-8"))
        for _quote, word in QUOTED.findall(block)
        if word not in checked
    )
    assert not unchecked, f"words bin/icons has not checked, run bin/icons: {unchecked}"


def test_the_subset_font_has_a_glyph_for_every_class_and_nothing_else():
    rules = _subset_rules()
    assert sorted(rules) == _record()["icons"]
    cmap = TTFont(ICONS / "fonts" / "tabler-icons.woff2").getBestCmap()
    assert set(rules.values()) <= set(cmap)
    assert len(cmap) <= len(rules) + 5  # a subset, not the 5000-icon font


def test_the_stylesheet_names_only_the_subset_font():
    css = (ICONS / "tabler-icons.min.css").read_text(encoding="utf-8")
    assert re.findall(r"url\(([^)]+)\)", css) == ['"./fonts/tabler-icons.woff2"']
    assert (ICONS / "fonts" / "tabler-icons.woff2").stat().st_size < 50_000
