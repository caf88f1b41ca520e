"""Every route, every role: who gets the page, who is sent away, who is refused.

The tables below are the access policy written out by hand. A new route
fails `test_route_tables_cover_every_endpoint` until someone decides, here,
who may open it.
"""

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role, User, UserStatus
from app.core.audit import AuditEntry
from app.notifications.models import SentEmail
from app.settings.models import GymSettings
from tests.accounts.support import page_text, path_for
from tests.conftest import csrf_token

ROLES = ("anonymous", "member", "trainer", "front_desk", "admin")
#: a redirect to the sign-in page, carrying ?next=
LOGIN = "/login?next="
#: expected answers are a status code, or a string: a 302 whose Location starts with it
FORGOT = "/password/forgot"


def everyone(expected):
    return dict.fromkeys(ROLES, expected)


def signed_in(expected):
    return {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], expected)}


HOME = {"member": "/app/", "trainer": "/trainer/", "front_desk": "/admin/", "admin": "/admin/"}
ADMIN_ONLY = {"anonymous": LOGIN, "member": 403, "trainer": 403, "front_desk": 403, "admin": 200}
DESK = {"anonymous": LOGIN, "member": 403, "trainer": 403, "front_desk": 200, "admin": 200}

#: GET on every endpoint, for every role
GET_EXPECTED = {
    "public.index": {"anonymous": 200, **HOME},
    "health.healthz": everyone(200),
    "health.version": everyone(200),
    "accounts.login": {"anonymous": 200, **HOME},
    "accounts.logout": everyone(405),
    "accounts.set_language": everyone(405),
    "accounts.change_password": signed_in(200),
    "accounts.forgot_password": everyone(200),
    "accounts.reset_password": everyone(FORGOT),
    "members.home": {
        "anonymous": LOGIN,
        "member": 200,
        "trainer": 403,
        "front_desk": 403,
        "admin": 403,
    },
    "members.profile": {
        "anonymous": LOGIN,
        "member": 200,
        "trainer": 403,
        "front_desk": 403,
        "admin": 403,
    },
    "trainers.home": {
        "anonymous": LOGIN,
        "member": 403,
        "trainer": 200,
        "front_desk": 403,
        "admin": 200,
    },
    "admin.dashboard": DESK,
    "admin.audit_log": ADMIN_ONLY,
    "notifications.index": ADMIN_ONLY,
    "notifications.show": ADMIN_ONLY,
    "settings.edit": ADMIN_ONLY,
    "users_admin.index": ADMIN_ONLY,
    "users_admin.create": ADMIN_ONLY,
    "users_admin.edit": ADMIN_ONLY,
    "users_admin.deactivate": everyone(405),
    "users_admin.reactivate": everyone(405),
    "users_admin.resend_password": everyone(405),
    "users_admin.delete": everyone(405),
}

#: endpoints that take POST only, and the roles that may post to them (None: anyone)
POST_ONLY = {
    "accounts.logout": None,
    "accounts.set_language": None,
    "users_admin.deactivate": {"admin"},
    "users_admin.reactivate": {"admin"},
    "users_admin.resend_password": {"admin"},
    "users_admin.delete": {"admin"},
}


def _rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]


def _allowed_to_post(endpoint: str) -> set[str] | None:
    """Roles that may POST here; None when the endpoint is not staff-only."""
    if endpoint in POST_ONLY:
        return POST_ONLY[endpoint]
    row = GET_EXPECTED[endpoint]
    if 403 not in row.values():
        return None
    return {role for role, expected in row.items() if expected == 200}


@pytest.fixture
def people(factories):
    return {
        "member": factories.member(),
        "trainer": factories.trainer(),
        "front_desk": factories.front_desk(),
        "admin": factories.admin(),
        "target": factories.member(name="Target Person"),
    }


@pytest.fixture
def ids(db, people):
    """Ids to put in <int:...> parameters, so that each names an existing row."""
    email = SentEmail(
        key="permissions-test",
        user_id=people["target"].id,
        to=people["target"].email,
        language="en",
        template="password_changed",
        context={"name": "Target Person"},
    )
    db.session.add(email)
    db.session.commit()
    return {"user_id": people["target"].id, "email_id": email.id}


def _check(response, expected) -> str | None:
    """Why `response` is not what the table says, or None."""
    if isinstance(expected, str):
        if response.status_code != 302 or not response.location.startswith(expected):
            return f"{response.status_code} → {response.location}"
        return None
    if response.status_code != expected:
        return f"{response.status_code} → {response.location}"
    return None


def test_route_tables_cover_every_endpoint(app):
    endpoints = {rule.endpoint for rule in _rules(app)}
    post_only = {
        rule.endpoint
        for rule in _rules(app)
        if "POST" in rule.methods and "GET" not in rule.methods
    }

    assert endpoints == set(GET_EXPECTED)
    assert post_only == set(POST_ONLY)
    assert all(set(row) == set(ROLES) for row in GET_EXPECTED.values())


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_as_the_table_says_when_opened_by_each_role(
    app, client, login, people, ids, role
):
    if role != "anonymous":
        login(people[role])
    rules = [rule for rule in _rules(app) if rule.endpoint in GET_EXPECTED]

    wrong = {}
    for rule in rules:
        path = path_for(app, rule, ids, default_id=ids["user_id"])
        response = client.get(path)
        expected = GET_EXPECTED[rule.endpoint][role]
        if problem := _check(response, expected):
            wrong[rule.endpoint] = f"{path}: expected {expected}, got {problem}"
        elif expected == 403:
            assert "You don't have access to this page" in page_text(response), path

    assert wrong == {}


def _state(db, target_id: int):
    target = db.session.get(User, target_id, populate_existing=True)
    return (
        target.name,
        target.role,
        target.status,
        target.deleted_at,
        target.password_hash,
        db.session.scalar(select(func.count()).select_from(User)),
        db.session.scalar(select(func.count()).select_from(AuditEntry)),
        db.session.scalar(select(func.count()).select_from(SentEmail)),
        db.session.scalar(select(func.count()).select_from(GymSettings)),
    )


def _hostile_form() -> dict:
    """A form that would change things if it got through."""
    return {
        "name": "Hijacked",
        "email": "hijacked@example.com",
        "role": "admin",
        "language": "en",
        "gym_name": "Hijacked Gym",
        "timezone": "UTC",
        "currency": "USD",
        "default_language": "en",
        "tax_rate": "0",
    }


@pytest.mark.parametrize("role", ["member", "trainer", "front_desk"])
def test_staff_forms_answer_403_when_posted_by_a_role_without_access(
    app, db, client, login, people, ids, role
):
    login(people[role])
    token = csrf_token(client, "/password/forgot")
    refused = [
        rule
        for rule in _rules(app)
        if "POST" in rule.methods
        and (allowed := _allowed_to_post(rule.endpoint)) is not None
        and role not in allowed
    ]
    assert refused, "no staff-only form to try"
    before = _state(db, ids["user_id"])

    answers = {}
    for rule in refused:
        path = path_for(app, rule, ids, default_id=ids["user_id"])
        response = client.post(path, data={**_hostile_form(), "csrf_token": token})
        answers[rule.endpoint] = response.status_code

    assert answers == dict.fromkeys(answers, 403)
    assert _state(db, ids["user_id"]) == before
    target = db.session.get(User, ids["user_id"])
    assert (target.role, target.status) == (Role.MEMBER, UserStatus.ACTIVE)


def test_staff_forms_send_to_sign_in_when_posted_signed_out(app, db, client, people, ids):
    token = csrf_token(client, "/login")
    staff_only = [
        rule
        for rule in _rules(app)
        if "POST" in rule.methods and _allowed_to_post(rule.endpoint) is not None
    ]
    before = _state(db, ids["user_id"])

    wrong = {}
    for rule in staff_only:
        path = path_for(app, rule, ids, default_id=ids["user_id"])
        response = client.post(path, data={**_hostile_form(), "csrf_token": token})
        if problem := _check(response, "/login"):
            wrong[rule.endpoint] = problem

    assert wrong == {}
    assert _state(db, ids["user_id"]) == before


@pytest.mark.parametrize("role", ["member", "front_desk"])
def test_staff_forms_answer_400_when_posted_without_csrf_token(
    app, db, client, login, people, ids, role
):
    login(people[role])
    before = _state(db, ids["user_id"])

    answers = {
        rule.endpoint: client.post(
            path_for(app, rule, ids, default_id=ids["user_id"]), data=_hostile_form()
        ).status_code
        for rule in _rules(app)
        if "POST" in rule.methods and _allowed_to_post(rule.endpoint) is not None
    }

    assert answers == dict.fromkeys(answers, 400)
    assert _state(db, ids["user_id"]) == before
