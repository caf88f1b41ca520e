"""Helpers for the accounts tests: more browsers, page readers, database probes."""

import html
import re

from sqlalchemy import func, select

from app.accounts.models import User
from app.core.audit import AuditEntry
from app.notifications.models import SentEmail
from tests.conftest import PASSWORD, FreshContextClient, post_form


def new_client(app, language: str | None = "en") -> FreshContextClient:
    """Another browser. English by default, so messages read the same whatever
    catalogues ship; `language=None` leaves the language cookie unset."""
    client = FreshContextClient(app, app.response_class, use_cookies=True)
    if language:
        client.set_cookie("cupo_lang", language)
    return client


def sign_in(client, email: str, password: str = PASSWORD, **data):
    """Sign `client` in and return the response; asserts it worked."""
    response = post_form(client, "/login", {"email": email, "password": password, **data})
    assert response.status_code == 302, page_text(response)
    return response


def page_text(response) -> str:
    """The response body with HTML entities decoded (&#39; → ')."""
    return html.unescape(response.get_data(as_text=True))


def flashes(response) -> list[str]:
    """The flashed messages rendered on a page."""
    return re.findall(
        r'alert-dismissible" role="\w+">\s*<div>(.*?)</div>', page_text(response), re.S
    )


def field_error(response, field_id: str) -> str | None:
    """The error text shown under a form field, or None."""
    match = re.search(rf'id="{field_id}-error">(.*?)</div>', page_text(response), re.S)
    return match.group(1).strip() if match else None


def html_lang(response) -> str | None:
    match = re.search(r'<html lang="([^"]*)"', response.get_data(as_text=True))
    return match.group(1) if match else None


def listed_user_ids(response) -> list[int]:
    """Ids of the people in the admin list's table, in page order."""
    return [
        int(i)
        for i in re.findall(r'<td><a href="/admin/(?:users|members)/(\d+)">', page_text(response))
    ]


def path_for(app, rule, ids: dict[str, int], default_id: int, token: str = "not-a-token") -> str:
    """A concrete path for a URL rule: `ids[name]` (else `default_id`) for
    int parameters, `token` for the others."""
    values = {}
    for converter, name in re.findall(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", rule.rule):
        values[name] = ids.get(name, default_id) if converter == "int" else token
    return app.url_map.bind("localhost").build(rule.endpoint, values)


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def fresh(db, model, object_id):
    """The row as the database has it now (requests write in their own session)."""
    return db.session.get(model, object_id, populate_existing=True)


def user_by_email(db, email: str) -> User | None:
    return db.session.scalar(
        select(User).where(User.email == email).execution_options(populate_existing=True)
    )


def audit_entries(db, user=None, action: str | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id)
    if user is not None:
        query = query.where(AuditEntry.entity_type == "User", AuditEntry.entity_id == str(user.id))
    if action is not None:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query))


def audit_actions(db, user=None) -> list[str]:
    return [entry.action for entry in audit_entries(db, user)]


def emails_to(db, user, template: str | None = None) -> list[SentEmail]:
    query = (
        select(SentEmail)
        .where(SentEmail.user_id == user.id)
        .order_by(SentEmail.id)
        .execution_options(populate_existing=True)
    )
    if template is not None:
        query = query.where(SentEmail.template == template)
    return list(db.session.scalars(query))


_TEMPORARY = re.compile(r"\b([A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4})\b")


def temporary_password_in(text: str) -> str:
    """The temporary password written in an email body (any language)."""
    found = _TEMPORARY.findall(text)
    assert len(found) == 1, f"expected one temporary password in {text!r}"
    return found[0]


def reset_token_in(text: str) -> str:
    """The token of the reset link written in an email body."""
    match = re.search(r"/password/reset/([A-Za-z0-9_.\-]+)", text)
    assert match, f"no reset link in {text!r}"
    return match.group(1)
