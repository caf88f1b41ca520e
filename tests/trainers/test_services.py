"""Trainer services: who may change what, what is stored, what is audited."""

import pytest
from sqlalchemy import select

from app.accounts.models import Role, User
from app.accounts.services.accounts import AccountError, authenticate
from app.core.errors import AccessDenied
from app.trainers import services
from app.trainers.models import Trainer
from app.trainers.services import TrainerError
from tests.accounts.support import audit_actions, count, emails_to, fresh
from tests.conftest import PASSWORD
from tests.trainers.support import (
    fresh_trainer,
    trainer_audit,
)


@pytest.fixture(autouse=True)
def english(app, db):
    """Messages in English (outside requests the gym's language would be used)."""
    with app.test_request_context(headers={"Cookie": "cupo_lang=en"}):
        yield


def new_trainer(admin, **overrides):
    values = {
        "name": " Ana López ",
        "email": "Ana@Gym.example",
        "phone": "555 0101",
        "bio": "  Strength and mobility.  ",
        "specialties": "strength, Mobility, strength ",
    }
    values.update(overrides)
    return services.create_trainer(**values, actor=admin)


# --- create -------------------------------------------------------------------


def test_create_trainer_makes_a_trainer_account_and_its_profile(db, admin):
    trainer = new_trainer(admin)

    trainer = fresh_trainer(db, trainer.id)
    assert (trainer.user.name, trainer.user.email, trainer.user.role) == (
        "Ana López",
        "ana@gym.example",
        Role.TRAINER,
    )
    assert trainer.user.must_change_password is True
    assert (trainer.bio, trainer.specialties, trainer.is_active) == (
        "Strength and mobility.",
        ["strength", "Mobility"],
        True,
    )


def test_create_trainer_emails_a_temporary_password_when_created(db, admin):
    trainer = new_trainer(admin)

    assert [email.template for email in emails_to(db, trainer.user)] == ["temporary_password"]


def test_create_trainer_is_audited_for_the_account_and_the_profile(db, admin):
    trainer = new_trainer(admin)

    [entry] = trainer_audit(db, trainer)
    assert (entry.action, entry.actor_id) == ("trainer.created", admin.id)
    assert entry.after == {
        "user_id": trainer.user_id,
        "bio": "Strength and mobility.",
        "specialties": ["strength", "Mobility"],
        "is_active": True,
    }
    assert audit_actions(db, trainer.user) == ["user.created"]


@pytest.mark.parametrize("role", [Role.TRAINER, Role.FRONT_DESK, Role.MEMBER])
def test_create_trainer_is_refused_when_the_actor_is_not_an_admin(db, factories, role):
    with pytest.raises(AccessDenied):
        new_trainer(factories.user(role))

    assert count(db, Trainer) == 0
    assert db.session.scalar(select(User).where(User.email == "ana@gym.example")) is None


def test_create_trainer_keeps_nothing_when_the_email_is_taken(db, admin, factories):
    factories.member(email="ana@gym.example")

    with pytest.raises(AccountError) as refused:
        new_trainer(admin)

    assert refused.value.field == "email"
    assert count(db, Trainer) == 0


def test_create_trainer_keeps_nothing_when_a_specialty_is_too_long(db, admin):
    with pytest.raises(TrainerError) as refused:
        new_trainer(admin, specialties="x" * 41)

    assert refused.value.field == "specialties"
    assert count(db, Trainer) == 0
    assert db.session.scalar(select(User).where(User.email == "ana@gym.example")) is None


# --- specialties --------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("yoga, Yoga ,  strength,, ", ["yoga", "strength"]),
        ("  indoor   cycling ,HIIT", ["indoor cycling", "HIIT"]),
        ("", []),
        (",,, ,", []),
        (["Box", "box", " BOX "], ["Box"]),
        ("x" * 40, ["x" * 40]),
        (",".join(f"s{i}" for i in range(12)), [f"s{i}" for i in range(12)]),
        (",".join(["same"] * 30), ["same"]),
    ],
)
def test_specialties_are_trimmed_and_deduplicated(given, expected):
    assert services.normalize_specialties(given) == expected


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("yoga, " + "x" * 41, "Keep each specialty to 40 characters"),
        (",".join(f"s{i}" for i in range(13)), "List at most 12 specialties."),
    ],
)
def test_specialties_are_refused_when_too_long_or_too_many(app, given, message):
    with pytest.raises(TrainerError) as refused:
        services.normalize_specialties(given)

    assert refused.value.field == "specialties"
    assert str(refused.value).startswith(message)


# --- profile, status ---------------------------------------------------------


def test_update_profile_changes_bio_and_specialties_when_the_trainer_edits_their_own(db, carla):
    services.update_profile(carla.id, bio=" New bio ", specialties="HIIT, yoga", actor=carla.user)

    trainer = fresh_trainer(db, carla.id)
    assert (trainer.bio, trainer.specialties) == ("New bio", ["HIIT", "yoga"])
    [entry] = trainer_audit(db, carla, "trainer.updated")
    assert entry.before == {"bio": "Yoga since 2015.", "specialties": ["yoga", "pilates"]}
    assert entry.after == {"bio": "New bio", "specialties": ["HIIT", "yoga"]}


def test_update_profile_records_nothing_when_nothing_changed(db, carla):
    services.update_profile(
        carla.id, bio="Yoga since 2015.", specialties="yoga, pilates", actor=carla.user
    )

    assert trainer_audit(db, carla, "trainer.updated") == []


def test_update_profile_is_refused_when_a_trainer_edits_another_trainer(db, carla, diego):
    with pytest.raises(AccessDenied):
        services.update_profile(carla.id, bio="Hacked", specialties="", actor=diego.user)

    assert fresh_trainer(db, carla.id).bio == "Yoga since 2015."
    assert trainer_audit(db, carla, "trainer.updated") == []


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.MEMBER])
def test_update_profile_is_refused_when_the_actor_is_not_staff_of_trainers(
    db, factories, carla, role
):
    with pytest.raises(AccessDenied):
        services.update_profile(carla.id, bio="Hacked", specialties="", actor=factories.user(role))

    assert fresh_trainer(db, carla.id).bio == "Yoga since 2015."


def test_update_profile_refuses_a_bio_over_2000_characters(db, carla):
    with pytest.raises(TrainerError) as refused:
        services.update_profile(carla.id, bio="b" * 2001, specialties="", actor=carla.user)

    assert refused.value.field == "bio"
    assert fresh_trainer(db, carla.id).bio == "Yoga since 2015."


def test_update_trainer_changes_contact_and_profile_in_one_go(db, admin, carla):
    services.update_trainer(
        carla.id,
        name="Carla Cruz",
        email="Carla.Cruz@gym.example",
        phone="555 0202",
        bio="Yoga since 2015.",
        specialties="yoga",
        actor=admin,
    )

    trainer = fresh_trainer(db, carla.id)
    user = fresh(db, User, carla.user_id)
    assert (user.name, user.email, user.phone, user.role) == (
        "Carla Cruz",
        "carla.cruz@gym.example",
        "555 0202",
        Role.TRAINER,
    )
    assert trainer.specialties == ["yoga"]
    assert [e.action for e in trainer_audit(db, carla)] == ["trainer.updated"]
    assert audit_actions(db, user) == ["user.updated"]


def test_update_trainer_keeps_everything_when_the_email_is_taken(db, admin, carla, diego):
    with pytest.raises(AccountError):
        services.update_trainer(
            carla.id,
            name="Carla Cruz",
            email=diego.user.email,
            bio="Changed",
            specialties="",
            actor=admin,
        )

    trainer = fresh_trainer(db, carla.id)
    assert (trainer.user.name, trainer.bio) == ("Carla Coach", "Yoga since 2015.")
    assert trainer_audit(db, carla) == []


def test_update_trainer_is_refused_when_a_trainer_calls_it(db, carla):
    with pytest.raises(AccessDenied):
        services.update_trainer(
            carla.id,
            name="Carla",
            email=carla.user.email,
            bio="",
            specialties="",
            actor=carla.user,
        )

    assert fresh_trainer(db, carla.id).bio == "Yoga since 2015."


def test_deactivate_keeps_the_account_usable(db, admin, carla):
    services.set_trainer_active(carla.id, False, actor=admin)

    assert fresh_trainer(db, carla.id).is_active is False
    assert authenticate(carla.user.email, PASSWORD) is not None
    assert [e.action for e in trainer_audit(db, carla)] == ["trainer.deactivated"]


def test_reactivate_after_deactivate_is_audited_once_each(db, admin, carla):
    services.set_trainer_active(carla.id, False, actor=admin)
    services.set_trainer_active(carla.id, False, actor=admin)
    services.set_trainer_active(carla.id, True, actor=admin)

    assert fresh_trainer(db, carla.id).is_active is True
    assert [e.action for e in trainer_audit(db, carla)] == [
        "trainer.deactivated",
        "trainer.reactivated",
    ]


def test_deactivate_is_refused_when_a_trainer_calls_it(db, carla):
    with pytest.raises(AccessDenied):
        services.set_trainer_active(carla.id, False, actor=carla.user)

    assert fresh_trainer(db, carla.id).is_active is True


def test_services_refuse_a_trainer_whose_account_was_deleted(db, admin, carla):
    from app.accounts.services.accounts import delete_account

    delete_account(carla.user_id, actor=admin)

    with pytest.raises(TrainerError):
        services.update_profile(carla.id, bio="", specialties="", actor=admin)


# --- lazily made profiles -----------------------------------------------------


def test_ensure_profile_makes_one_for_a_trainer_account_without_it(db, admin, factories):
    user = factories.trainer()

    trainer = services.ensure_trainer_profile(user.id, actor=admin)
    again = services.ensure_trainer_profile(user.id, actor=admin)

    assert again.id == trainer.id
    assert (trainer.bio, trainer.specialties, trainer.is_active) == ("", [], True)
    assert [e.action for e in trainer_audit(db, trainer)] == ["trainer.created"]


def test_ensure_profile_lets_a_trainer_make_their_own(db, factories):
    user = factories.trainer()

    trainer = services.ensure_trainer_profile(user.id, actor=user)

    assert trainer.user_id == user.id


def test_ensure_profile_is_refused_for_another_trainers_account(db, factories, diego):
    user = factories.trainer()

    with pytest.raises(AccessDenied):
        services.ensure_trainer_profile(user.id, actor=diego.user)

    assert db.session.scalar(select(Trainer).where(Trainer.user_id == user.id)) is None


@pytest.mark.parametrize("role", [Role.MEMBER, Role.FRONT_DESK, Role.ADMIN])
def test_ensure_profile_is_refused_for_an_account_that_is_not_a_trainer(db, admin, factories, role):
    user = factories.user(role)

    with pytest.raises(TrainerError):
        services.ensure_trainer_profile(user.id, actor=admin)

    assert count(db, Trainer) == 0
