"""One shape per domain (README, "Layout"): the parts every domain has, views
split only by audience, and no module reaching into another's private names."""

import ast
import importlib
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "app"
DOMAINS = sorted(
    p.name for p in APP.iterdir() if (p / "models.py").exists() and p.name not in ("core",)
)
AUDIENCES = {"__init__", "member", "staff", "trainer", "public"}


def _part(domain: str, name: str) -> Path | None:
    for candidate in (APP / domain / f"{name}.py", APP / domain / name / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def test_the_domains_are_the_ones_the_import_contracts_name():
    contracts = (APP.parent / "pyproject.toml").read_text()
    missing = [d for d in DOMAINS if f'"app.{d}"' not in contracts]
    assert DOMAINS and missing == [], f"add {missing} to the contracts in pyproject.toml"


@pytest.mark.parametrize("domain", DOMAINS)
def test_each_domain_has_init_app_models_services_and_views(domain):
    assert callable(getattr(importlib.import_module(f"app.{domain}"), "init_app", None))
    for part in ("models", "services", "views"):
        assert _part(domain, part), f"app/{domain} has no {part}"


@pytest.mark.parametrize("domain", DOMAINS)
def test_a_views_package_has_one_module_per_audience(domain):
    package = APP / domain / "views"
    if package.is_dir():
        modules = {p.stem for p in package.glob("*.py")}
        assert modules <= AUDIENCES, f"app/{domain}/views: {sorted(modules - AUDIENCES)}"


def test_no_module_imports_another_modules_private_names():
    offences = []
    for path in APP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("app"):
                offences += [
                    f"{path.relative_to(APP.parent)}:{node.lineno} {node.module}.{alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_")
                ]
    assert offences == []
