"""The desk's member search query: accents, case, phone digits and member
numbers on SQLite and PostgreSQL alike (the tests run on whichever
TEST_DATABASE_URL names), and who is never found."""

import pytest
from sqlalchemy import select

from app.accounts.models import Role, User, UserStatus, search_text_of
from app.accounts.queries import member_number_in, search_members, search_users
from app.accounts.services.accounts import update_account
from app.core.models import utc_now


def names(users) -> list[str]:
    return sorted(user.name for user in users)


@pytest.fixture
def people(factories):
    return {
        "juan": factories.member(name="Juan Pérez", phone="+52 55 1234-5678"),
        "juan_accent": factories.member(name="Juán López"),
        "jose": factories.member(name="José Martínez", email="pepe@example.com"),
        "ana": factories.member(name="ANA GARCÍA"),
    }


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("jua", ["Juan Pérez", "Juán López"]),
        ("JUÁN", ["Juan Pérez", "Juán López"]),
        ("jose", ["José Martínez"]),
        ("perez", ["Juan Pérez"]),
        ("  juan   perez ", ["Juan Pérez"]),
        ("ana garcia", ["ANA GARCÍA"]),
        ("PEPE@EXAMPLE", ["José Martínez"]),
        ("1234", ["Juan Pérez"]),
        ("55 1234 5678", ["Juan Pérez"]),
        ("(55) 1234-5678", ["Juan Pérez"]),
        ("zzz", []),
    ],
)
def test_search_ignores_accents_case_and_phone_punctuation(db, people, typed, expected):
    assert names(search_members(typed)) == expected


@pytest.mark.parametrize("form", ["{n}", "{n:04d}", "No. {n:04d}", "#{n}", "N.º {n:04d}"])
def test_search_finds_a_member_by_number_first(db, people, form):
    jose = people["jose"]

    found = search_members(form.format(n=jose.id))

    assert found[0] == jose


def test_member_number_is_the_id_on_four_digits(db, people):
    assert people["ana"].member_number == f"{people['ana'].id:04d}"
    assert member_number_in("0042") == 42
    assert member_number_in("juan") is None


def test_search_never_returns_staff_deactivated_or_deleted_people(db, factories):
    factories.trainer(name="Juan Trainer")
    factories.front_desk(name="Juan Desk")
    factories.admin(name="Juan Admin")
    factories.member(name="Juan Inactive", status=UserStatus.INACTIVE)
    factories.member(name="Juan Deleted", deleted_at=utc_now())
    active = factories.member(name="Juan Active")

    assert search_members("juan") == [active]


def test_search_is_bounded_and_fetches_one_more(db, factories):
    for number in range(5):
        factories.member(name=f"Marta {number}")

    assert len(search_members("marta", limit=3)) == 4


@pytest.mark.parametrize(
    "typed", ["%", "_", "\\", "%%", "' OR 1=1 --", "a\x00b", "x" * 10_000, "   ", "🏋️", "9" * 40]
)
def test_hostile_searches_find_nothing_and_do_not_fail(db, people, typed):
    assert search_members(typed) == []


def test_percent_and_underscore_match_only_themselves(db, factories):
    literal = factories.member(name="Ana 100%_real")
    factories.member(name="Ana 1000 real")

    assert search_members("100%_") == [literal]


def test_search_text_follows_a_profile_change(db, factories):
    admin = factories.admin()
    member = factories.member(name="Old Name")

    update_account(
        member.id,
        email="renamed@example.com",
        name="Ñandú Ávila",
        role=Role.MEMBER,
        phone="55-9999-0000",
        actor=admin,
    )

    stored = db.session.scalar(select(User.search_text).where(User.id == member.id))
    assert stored == "nandu avila|renamed@example.com|5599990000"
    assert search_members("nandu") == [member]
    assert search_members("old name") == []


def test_search_text_of_folds_each_part():
    assert search_text_of("  Zoë  Ñúñez ", "Z@X.MX", None) == "zoe nunez|z@x.mx|"


def test_admin_people_list_search_ignores_accents_too(db, factories):
    jose = factories.member(name="José Núñez")

    assert list(search_users(q="JOSE NUNEZ").items) == [jose]
