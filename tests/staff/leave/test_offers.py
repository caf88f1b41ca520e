"""Offering a class to the trainers free then: the first to accept gets it,
checked again; a trainer may ask for a substitute without leave."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.core.db import Busy
from app.core.errors import NotYours
from app.extensions import db as _db
from app.scheduling.models import ClassSession, ClassType, Room
from app.scheduling.rules import SchedulingError
from app.scheduling.services.sessions import create_session
from app.staff.models import Cover, CoverOffer, OfferStatus
from app.staff.queries.leave import offers_for, sessions_needing_cover
from app.staff.services.cover import CoverError, accept_offer, offer_session
from tests.conftest import post_form
from tests.factories import Factories
from tests.races import RACE_NOW
from tests.staff.leave.conftest import TODAY, at

AWAY = TODAY + timedelta(days=2)


@pytest.fixture
def offered(gym):
    carla = gym.trainer(name="Carla Méndez")
    yoga = gym.session(carla, starts_at=at(AWAY, 10))
    leave = gym.leave(carla, AWAY, approve=True)
    diego, emily = gym.trainer(name="Diego Ramírez"), gym.trainer(name="Emily Carter")
    busy = gym.trainer(name="Busy Bee")
    gym.session(busy, starts_at=at(AWAY, 10), room=gym.schedule.room())
    return carla, yoga, leave, diego, emily, busy


def test_an_offer_emails_only_the_trainers_free_then(gym, db, smtp, offered):
    carla, yoga, leave, diego, emily, busy = offered
    for trainer, email in (
        (diego, "diego@example.com"),
        (emily, "emily@example.com"),
        (busy, "busy@example.com"),
    ):
        trainer.user.email = email
    db.session.commit()
    offer = offer_session(yoga.id, leave_id=leave.id, note="Bring mats", actor=gym.admin())
    assert offer.status is OfferStatus.OPEN
    told = sorted(
        to[0] for to, message in smtp.messages if "needs a substitute" in message["Subject"]
    )
    assert told == ["diego@example.com", "emily@example.com"]
    assert [o.id for o in offers_for(diego.id)] == [offer.id]
    assert offers_for(busy.id) == [] and offers_for(carla.id) == []
    assert yoga.id in [cs.id for cs in sessions_needing_cover(diego.id)]
    with pytest.raises(CoverError, match="already offered"):
        offer_session(yoga.id, leave_id=leave.id, actor=gym.admin())


def test_the_first_to_accept_gets_the_class_and_the_second_is_told(gym, db, smtp, offered):
    carla, yoga, leave, diego, emily, _busy = offered
    member = gym.booked_member(yoga, email="ines@example.com")
    offer = offer_session(yoga.id, leave_id=leave.id, actor=gym.admin())
    smtp.messages.clear()

    cover = accept_offer(offer.id, actor=diego.user)
    assert (cover.substitute_id, cover.absent_trainer_id, cover.leave_id) == (
        diego.id,
        carla.id,
        leave.id,
    )
    assert db.session.get(ClassSession, yoga.id, populate_existing=True).trainer_id == diego.id
    with pytest.raises(CoverError, match="Another trainer already took this class."):
        accept_offer(offer.id, actor=emily.user)
    assert db.session.get(CoverOffer, offer.id, populate_existing=True).taken_by_id == diego.id
    text = [m for to, m in smtp.messages if to == ["ines@example.com"]][0]
    assert "Carla Méndez → Diego Ramírez" in text.get_body(preferencelist=("plain",)).get_content()
    assert member.id


def test_accepting_when_no_longer_free_is_refused_naming_the_other_class(gym, db, offered):
    _carla, yoga, leave, diego, _emily, _busy = offered
    offer = offer_session(yoga.id, leave_id=leave.id, actor=gym.admin())
    other = gym.session(diego, starts_at=at(AWAY, 10, 30), room=gym.schedule.room())
    with pytest.raises(
        SchedulingError, match=f"Diego Ramírez already teaches {other.class_type.name}"
    ):
        accept_offer(offer.id, actor=diego.user)
    assert db.session.get(CoverOffer, offer.id, populate_existing=True).status is OfferStatus.OPEN
    assert db.session.scalar(select(func.count(Cover.id))) == 0


def test_a_trainer_asks_for_a_sub_without_leave_for_their_own_class_only(gym, db, offered):
    _carla, _yoga, _leave, diego, emily, _busy = offered
    own = gym.session(diego, starts_at=at(AWAY + timedelta(days=1), 10))
    with pytest.raises(NotYours):
        offer_session(own.id, actor=emily.user)
    offer = offer_session(own.id, note="Dentist", actor=diego.user)
    assert offer.leave_id is None
    with pytest.raises(CoverError, match="This is your own class."):
        accept_offer(offer.id, actor=diego.user)
    cover = accept_offer(offer.id, actor=emily.user)
    assert (cover.leave_id, cover.absent_trainer_id) == (None, diego.id)


def test_accepting_from_the_portal(gym, db, client, login, offered):
    _carla, yoga, leave, diego, _emily, _busy = offered
    offer_session(yoga.id, leave_id=leave.id, actor=gym.admin())
    login(diego.user)
    page = client.get("/trainer/leave").get_data(as_text=True)
    assert 'data-testid="cover-offers"' in page
    offer = db.session.scalar(select(CoverOffer))
    response = post_form(
        client,
        f"/trainer/cover/{offer.id}/accept",
        token_from="/trainer/leave",
        follow_redirects=True,
    )
    assert "is yours" in response.get_data(as_text=True)
    assert db.session.get(ClassSession, yoga.id, populate_existing=True).trainer_id == diego.id
    response = post_form(client, "/trainer/cover/999999/accept", token_from="/trainer/leave")
    assert response.status_code == 404


def test_offering_from_the_cover_plan(gym, db, client, login, offered):
    _carla, yoga, leave, *_ = offered
    login(gym.admin())
    path = f"/admin/staff/leave/{leave.id}"
    response = post_form(
        client,
        f"{path}/offer",
        {"bulk-session_ids": str(yoga.id)},
        token_from=path,
        follow_redirects=True,
    )
    assert "Offered to the free trainers" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(CoverOffer.id))) == 1


def test_two_trainers_accepting_at_once_make_one_substitute(race):
    """Five free trainers take the same offer at once: one gets the class."""
    with race.context():
        factories = Factories(_db)
        absent = factories.trainer_profile()
        takers = [factories.trainer_profile() for _ in range(5)]
        room = Room(name="Race cover room", capacity=10)
        class_type = ClassType(name="Race cover class", default_capacity=5)
        _db.session.add_all([room, class_type])
        _db.session.commit()
        cs = create_session(
            {
                "class_type_id": class_type.id,
                "starts_at": RACE_NOW + timedelta(days=2),
                "trainer_id": absent.id,
                "room_id": room.id,
                "capacity": 5,
            },
            actor=factories.admin(),
        )
        offer_id = offer_session(cs.id, actor=absent.user).id
        user_ids = [taker.user_id for taker in takers]
        session_id = cs.id
    barrier, outcomes = threading.Barrier(len(user_ids)), []

    def attempt(user_id):
        with race.context():
            user = _db.session.get(User, user_id)
            barrier.wait(timeout=5)
            try:
                accept_offer(offer_id, actor=user)
                outcomes.append("took")
            except CoverError:
                outcomes.append("taken")
            except Busy:
                outcomes.append("busy")

    threads = [threading.Thread(target=attempt, args=(user_id,)) for user_id in user_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)
    assert outcomes.count("took") == 1 and len(outcomes) == 5
    with race.context():
        assert _db.session.scalar(select(func.count(Cover.id))) == 1
        taken = _db.session.get(CoverOffer, offer_id)
        assert taken.status is OfferStatus.TAKEN
        assert _db.session.get(ClassSession, session_id).trainer_id == taken.taken_by_id


def test_asking_for_a_sub_from_the_session_page(gym, db, client, login, offered):
    _carla, _yoga, _leave, diego, emily, _busy = offered
    own = gym.session(diego, starts_at=at(AWAY + timedelta(days=1), 10))
    login(diego.user)
    path = f"/trainer/sessions/{own.id}"
    response = post_form(client, f"{path}/offer", {"sub-note": "x" * 501}, token_from=path)
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(CoverOffer.id))) == 0
    response = post_form(client, f"{path}/offer", {"sub-note": "Dentist"}, token_from=path)
    assert response.status_code == 302
    assert db.session.scalar(select(CoverOffer.note)) == "Dentist"
    login(emily.user)
    response = post_form(client, f"{path}/offer", {"sub-note": ""}, token_from="/trainer/leave")
    assert response.status_code == 404
    gym.settings(trainer_class_controls=False)
    login(diego.user)
    response = post_form(client, f"{path}/offer", {"sub-note": ""}, token_from="/trainer/leave")
    assert response.status_code == 403


def test_the_time_off_page_runs_as_many_queries_with_one_offer_as_with_many(gym, db, client, login):
    from tests.queries import counting_statements

    def offers(count):
        for _ in range(count):
            absent, room = gym.trainer(), gym.schedule.room()
            cs = gym.session(absent, starts_at=at(AWAY, 10), room=room)
            gym.leave(absent, AWAY)
            offer_session(cs.id, actor=absent.user)

    me = gym.trainer(name="Me")
    gym.leave(me, AWAY + timedelta(days=5))

    def count() -> int:
        with counting_statements(_db.engine) as statements:
            response = client.get("/trainer/leave")
        assert response.status_code == 200
        return sum(1 for statement in statements if statement.lstrip().startswith("SELECT"))

    offers(1)
    login(me.user)
    small = count()
    offers(6)
    assert 'data-testid="cover-offers"' in client.get("/trainer/leave").get_data(as_text=True)
    assert count() == small
