"""The admin list of people: search, filters, pages, and a bounded query count."""

import pytest

from app.accounts.models import Role, UserStatus
from app.accounts.queries import PER_PAGE
from app.core.models import utc_now
from tests.accounts.support import listed_user_ids, page_text
from tests.queries import counting_statements


@pytest.fixture
def people(factories, admin):
    return {
        "admin": admin,
        "marta": factories.member(
            name="Marta Gómez", email="marta.g@example.com", phone="555 1111"
        ),
        "pedro": factories.member(name="Pedro Ruiz", email="pedro.ruiz@example.com"),
        "tina": factories.trainer(name="Tina Trainer", email="tina@gym.example"),
        "dana": factories.front_desk(name="Dana Desk", email="dana@gym.example"),
        "ivan": factories.member(
            name="Iván Inactive", email="ivan@example.com", status=UserStatus.INACTIVE
        ),
        "gone": factories.member(
            name="Gone Person", email="gone@example.com", deleted_at=utc_now()
        ),
    }


def ids(people, *names) -> set[int]:
    return {people[name].id for name in names}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("marta", {"marta"}),
        ("MARTA", {"marta"}),
        ("ruiz", {"pedro"}),
        ("pedro.ruiz@", {"pedro"}),
        ("@GYM.example", {"tina", "dana"}),
        ("555 1111", {"marta"}),
        ("gone", set()),
        ("nobody-at-all", set()),
    ],
)
def test_list_shows_only_matching_people_when_searching(as_admin, people, query, expected):
    response = as_admin.get("/admin/users/", query_string={"q": query})

    assert response.status_code == 200
    assert set(listed_user_ids(response)) == ids(people, *expected)


def test_list_says_so_when_no_one_matches(as_admin, people):
    response = as_admin.get("/admin/users/?q=nobody-at-all")

    assert "No one matches these filters." in page_text(response)
    assert "0 people" in page_text(response)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("member", {"marta", "pedro", "ivan"}),
        ("trainer", {"tina"}),
        ("front_desk", {"dana"}),
        ("admin", {"admin"}),
        ("", {"admin", "marta", "pedro", "tina", "dana", "ivan"}),
    ],
)
def test_list_shows_only_that_role_when_filtered_by_role(as_admin, people, role, expected):
    response = as_admin.get("/admin/users/", query_string={"role": role})

    assert set(listed_user_ids(response)) == ids(people, *expected)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("active", {"admin", "marta", "pedro", "tina", "dana"}),
        ("inactive", {"ivan"}),
        ("deleted", {"gone"}),
        ("", {"admin", "marta", "pedro", "tina", "dana", "ivan"}),
    ],
)
def test_list_shows_only_that_status_when_filtered_by_status(as_admin, people, status, expected):
    response = as_admin.get("/admin/users/", query_string={"status": status})

    assert set(listed_user_ids(response)) == ids(people, *expected)


def test_list_combines_filters_when_several_are_set(as_admin, people):
    response = as_admin.get(
        "/admin/users/", query_string={"q": "example.com", "role": "member", "status": "active"}
    )

    assert set(listed_user_ids(response)) == ids(people, "marta", "pedro")


@pytest.mark.parametrize(
    "query_string",
    [{"role": "owner"}, {"status": "banned"}, {"page": "-3"}, {"page": "abc"}, {"q": "%_%"}],
)
def test_list_answers_200_when_filters_are_nonsense(as_admin, people, query_string):
    response = as_admin.get("/admin/users/", query_string=query_string)

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("query", "expected"), [("a_b", "a_b"), ("_", "a_b"), ("100%", "pct"), ("%", "pct")]
)
def test_list_treats_wildcards_as_plain_characters_when_searching(
    as_admin, factories, query, expected
):
    made = {
        "a_b": factories.member(email="a_b@example.com"),
        "axb": factories.member(email="axb@example.com"),
        "pct": factories.member(name="Gives 100%"),
        "plain": factories.member(name="Gives 1000"),
    }

    response = as_admin.get("/admin/users/", query_string={"q": query})

    assert listed_user_ids(response) == [made[expected].id]


def test_list_pages_through_everyone_when_there_are_more_than_a_page(as_admin, factories, admin):
    made = [factories.member() for _ in range(PER_PAGE + 5)]
    everyone = {admin.id} | {user.id for user in made}

    first = as_admin.get("/admin/users/")
    second = as_admin.get("/admin/users/?page=2")
    third = as_admin.get("/admin/users/?page=3")

    assert len(listed_user_ids(first)) == PER_PAGE
    assert len(listed_user_ids(second)) == len(everyone) - PER_PAGE
    assert set(listed_user_ids(first)) | set(listed_user_ids(second)) == everyone
    assert set(listed_user_ids(first)) & set(listed_user_ids(second)) == set()
    assert listed_user_ids(third) == []
    assert f"{len(everyone)} people" in page_text(first)
    assert "Page 1 of 2" in page_text(first)


def test_list_shows_newest_first_when_unfiltered(as_admin, factories, admin):
    older = factories.member()
    newer = factories.member()

    assert listed_user_ids(as_admin.get("/admin/users/")) == [newer.id, older.id, admin.id]


def test_list_keeps_filters_in_page_links_when_paging(as_admin, factories):
    for _ in range(PER_PAGE + 1):
        factories.member()

    body = as_admin.get("/admin/users/?role=member").get_data(as_text=True)

    assert "/admin/users/?role=member&amp;page=2" in body


def test_list_runs_the_same_number_of_queries_when_there_are_many_more_people(
    as_admin, db, factories
):
    for _ in range(4):
        factories.member(last_login_at=utc_now())
    as_admin.get("/admin/users/")  # warm caches (templates, gym settings)

    with counting_statements(db.engine) as few:
        assert len(listed_user_ids(as_admin.get("/admin/users/"))) == 5
    roles = list(Role)
    for index in range(55):
        factories.user(roles[index % len(roles)], last_login_at=utc_now())
    with counting_statements(db.engine) as many:
        assert len(listed_user_ids(as_admin.get("/admin/users/"))) == PER_PAGE
    with counting_statements(db.engine) as last_page:
        as_admin.get("/admin/users/?page=3")

    assert len(few) == len(many) == len(last_page), (few, many)
    assert len(many) <= 8, many
