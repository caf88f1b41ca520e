"""Command-line tools: the demo gym and the first admin."""

from datetime import timedelta

from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.accounts.passwords import check_password
from app.core.models import utc_now
from app.demo import DEMO_PASSWORD, MEMBER_COUNT
from app.scheduling.models import ClassSession, ClassType, Room
from app.trainers.models import Trainer


def _count(db, role=None):
    query = select(func.count(User.id))
    if role:
        query = query.where(User.role == role)
    return db.session.scalar(query)


def _count_rows(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_seed_demo_builds_the_gym_once_and_prints_the_logins(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed", "demo"])
    assert first.exit_code == 0 and "Demo data loaded." in first.output
    assert "admin@cupo.demo" in first.output and DEMO_PASSWORD in first.output
    assert (_count(db, Role.ADMIN), _count(db, Role.FRONT_DESK)) == (1, 1)
    assert (_count(db, Role.TRAINER), _count(db, Role.MEMBER)) == (4, MEMBER_COUNT)
    languages = set(db.session.scalars(select(User.language).where(User.role == Role.MEMBER)))
    assert languages == {"es", "en"}

    # eight group classes and "Personal training", a 1:1
    assert _count_rows(db, Room) == 2 and _count_rows(db, ClassType) == 9
    assert _count_rows(db, Trainer) == 4
    start = utc_now()
    week = db.session.scalar(
        select(func.count(ClassSession.id)).where(
            ClassSession.starts_at >= start, ClassSession.starts_at < start + timedelta(days=7)
        )
    )
    assert 36 <= week <= 44  # about 40 classes a week
    last = db.session.scalar(select(func.max(ClassSession.starts_at)))
    assert last > start + timedelta(weeks=7)

    again = runner.invoke(args=["seed", "demo"])
    assert "already has users" in again.output
    assert _count(db) == 6 + MEMBER_COUNT


def test_create_admin_makes_an_active_admin_with_that_password(app, db):
    result = app.test_cli_runner().invoke(
        args=["users", "create-admin", "--email", "Owner@Gym.MX", "--name", "Owner"],
        input="a-long-password\na-long-password\n",
    )
    assert result.exit_code == 0, result.output
    owner = db.session.scalar(select(User).where(User.email == "owner@gym.mx"))
    assert owner.role is Role.ADMIN and owner.is_active and not owner.must_change_password
    assert check_password(owner.password_hash, "a-long-password")


def test_create_admin_refuses_a_short_password_and_a_taken_email(app, db, factories):
    taken = factories.member()
    runner = app.test_cli_runner()
    short = runner.invoke(
        args=["users", "create-admin", "--email", "a@b.mx", "--name", "A", "--password", "short"]
    )
    assert short.exit_code == 1 and "10" in short.output and "128" in short.output  # es or en
    dup = runner.invoke(
        args=[
            "users",
            "create-admin",
            "--email",
            taken.email,
            "--name",
            "A",
            "--password",
            "long-enough-pw",
        ]
    )
    assert dup.exit_code == 1 and "Error:" in dup.output
    assert _count(db, Role.ADMIN) == 0


def test_every_demo_login_signs_in(client, db):
    from app.demo import demo_logins, seed_demo
    from tests.conftest import post_form

    seed_demo()
    for _label, email in demo_logins():
        client.delete_cookie("session")
        response = post_form(client, "/login", {"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        assert client.get(response.location).status_code == 200, email
