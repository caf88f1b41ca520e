"""The desk's member search page (/admin/members): who may open it, the plain
results page and its HTMX partials, what each row shows, and its query count."""

from datetime import date

import pytest
from flask import url_for

from app.accounts.models import Role, UserStatus
from app.memberships.models import Membership, MembershipStatus, Plan, PlanKind
from tests.accounts.support import page_text
from tests.queries import counting_statements

PAGE = "/admin/members"


def with_plan(db, member, plan_name="Unlimited Gold", status=MembershipStatus.ACTIVE):
    plan = db.session.query(Plan).filter_by(name=plan_name).one_or_none()
    plan = plan or Plan(name=plan_name, kind=PlanKind.UNLIMITED, price_minor=89900)
    db.session.add(
        Membership(
            member_id=member.id,
            plan=plan,
            status=status,
            period_start=date(2020, 1, 1),
            period_end=date(2099, 12, 31),
        )
    )
    db.session.commit()
    return member


@pytest.fixture
def as_desk(client, login, factories):
    login(factories.front_desk(name="Dora Desk"))
    return client


@pytest.mark.parametrize("role", ["front_desk", "admin"])
def test_desk_and_admin_open_the_search(client, login, factories, role):
    login(factories.user(role=Role(role)))

    assert client.get(f"{PAGE}?q=x").status_code == 200


@pytest.mark.parametrize("role", ["member", "trainer"])
def test_members_and_trainers_may_not_search(client, login, factories, role):
    login(getattr(factories, role)())

    assert client.get(f"{PAGE}?q=juan").status_code == 403
    assert client.get(f"{PAGE}?q=juan", headers={"HX-Request": "true"}).status_code == 403


def test_signed_out_search_goes_to_sign_in(client):
    response = client.get(f"{PAGE}?q=juan")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_results_page_shows_photo_or_initials_number_contact_plan_and_status(
    app, db, as_desk, factories
):
    juan = with_plan(db, factories.member(name="Juan Pérez", phone="5512345678"))
    factories.member(name="Juán Sin Plan", email="juan2@example.com")

    response = as_desk.get(f"{PAGE}?q=jua")
    with app.test_request_context():
        member_page = url_for("member_page.show", member_id=juan.id)

    html = page_text(response)
    assert response.status_code == 200
    assert "<html" in html and 'id="member-search-q"' in html
    assert "Juan Pérez" in html and "Juán Sin Plan" in html
    assert f"No. {juan.id:04d}" in html
    assert juan.email in html and "5512345678" in html
    assert "Unlimited Gold" in html and ">Active<" in html
    assert "No plan" in html
    assert f'href="{member_page}"' in html
    assert 'class="avatar avatar-md"' in html


def test_results_page_says_when_nobody_matches(as_desk, factories):
    factories.member(name="Ana")

    html = page_text(as_desk.get(f"{PAGE}?q=zzz"))

    assert "No active member matches “zzz”." in html


def test_htmx_request_gets_only_the_results_partial(db, as_desk, factories):
    factories.member(name="Juan Pérez")

    response = as_desk.get(f"{PAGE}?q=juan", headers={"HX-Request": "true"})

    html = page_text(response)
    assert "<html" not in html and 'id="member-search-q"' not in html
    assert "Juan Pérez" in html


def test_header_dropdown_links_to_every_result(db, as_desk, factories):
    for number in range(8):
        factories.member(name=f"Marta {number}")

    html = page_text(as_desk.get(f"{PAGE}?q=marta&menu=1", headers={"HX-Request": "true"}))

    assert html.count('class="list-group-item list-group-item-action"') == 6
    assert 'data-testid="more-results"' in html
    assert f'href="{PAGE}?q=marta"' in html


def test_picker_rows_fill_the_form_field_with_the_email(db, as_desk, factories):
    juan = factories.member(name="Juan Pérez")

    html = page_text(as_desk.get(f"{PAGE}?member=juan&pick=member", headers={"HX-Request": "true"}))

    assert f'data-member-pick="{juan.email}"' in html
    assert 'data-member-field="member"' in html
    assert "<a " not in html


def test_picker_field_id_is_checked(db, as_desk, factories):
    factories.member(name="Juan Pérez")

    html = page_text(as_desk.get(f'{PAGE}?q=juan&pick="><script>', headers={"HX-Request": "true"}))

    assert "data-member-pick" not in html and "data-member-field" not in html


def test_staff_and_inactive_people_are_not_listed(db, as_desk, factories):
    factories.trainer(name="Juan Trainer")
    factories.member(name="Juan Gone", status=UserStatus.INACTIVE)

    html = page_text(as_desk.get(f"{PAGE}?q=juan"))

    assert "Juan Trainer" not in html and "Juan Gone" not in html


@pytest.mark.parametrize(
    "q", ["%", "_", "%25%25", "a%00b", "x" * 5000, "\\", "' OR 1=1 --", "<b>bold</b>"]
)
def test_hostile_searches_do_not_fail(as_desk, factories, q):
    factories.member(name="Juan")

    response = as_desk.get(PAGE, query_string={"q": q})

    assert response.status_code == 200
    assert "<b>bold</b>" not in response.get_data(as_text=True)


def test_header_has_the_search_box_for_desk_only(client, login, factories):
    login(factories.front_desk())
    assert 'data-testid="header-member-search"' in page_text(client.get("/admin/"))
    login(factories.trainer())
    assert 'data-testid="header-member-search"' not in page_text(client.get("/trainer/"))


def _count(client, db, path):
    client.get(path)  # warm caches (templates, settings)
    with counting_statements(db.engine) as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def test_query_count_does_not_grow_with_results(db, as_desk, factories):
    for number in range(3):
        with_plan(db, factories.member(name=f"Rosa {number}"))
    few = _count(as_desk, db, f"{PAGE}?q=rosa")
    for number in range(3, 30):
        with_plan(db, factories.member(name=f"Rosa {number}"), plan_name=f"Plan {number}")

    assert _count(as_desk, db, f"{PAGE}?q=rosa") == few


def test_a_member_with_a_photo_shows_it_as_the_thumbnail(as_desk, factories):
    factories.member(name="Juan Foto", photo_path="photos/abc123.jpg")

    html = page_text(as_desk.get(f"{PAGE}?q=juan"))

    assert '<img class="avatar avatar-md" src="/files/photos/abc123.jpg"' in html
