"""Builders for the messaging tests: a trainer, a member who booked their class, a thread."""

from datetime import date, timedelta

import pytest

from app.booking.models import Booking
from app.core.models import utc_now
from app.scheduling.models import ClassSession, ClassType, Room
from app.trainers.models import ClientAssignment


@pytest.fixture(autouse=True)
def _own_upload_folder(uploads_dir):
    """Every messaging test stores its files under its own UPLOAD_FOLDER."""


class Talk:
    """People who may talk: `trainer` (profile), `member`, and what links them."""

    def __init__(self, db, factories):
        self.db, self.factories = db, factories
        self.room = Room(name="Studio M", capacity=20)
        self.class_type = ClassType(name="Yoga M", default_capacity=10)
        db.session.add_all([self.room, self.class_type])
        db.session.commit()

    def class_session(self, trainer, *, starts_in=timedelta(days=2)):
        starts_at = utc_now() + starts_in
        cs = ClassSession(
            class_type=self.class_type,
            trainer=trainer,
            room=self.room,
            occurs_on=date.today(),
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
            capacity=10,
        )
        self.db.session.add(cs)
        self.db.session.commit()
        return cs

    def booked(self, member, trainer, **kw):
        """`member` has a confirmed booking in a class of `trainer`."""
        cs = self.class_session(trainer, **kw)
        booking = Booking(session_id=cs.id, member_id=member.id)
        self.db.session.add(booking)
        self.db.session.commit()
        return booking

    def assigned(self, member, trainer):
        self.db.session.add(ClientAssignment(member_id=member.id, trainer_id=trainer.id))
        self.db.session.commit()

    def pair(self, **member_fields):
        """(member, trainer) who may talk: the member booked the trainer's class."""
        trainer = self.factories.trainer_profile(name="Tina Trainer")
        member = self.factories.member(name="Mia Member", **member_fields)
        self.booked(member, trainer)
        return member, trainer


@pytest.fixture
def talk(db, factories):
    return Talk(db, factories)


@pytest.fixture
def news(app):
    """What `signals.tell` said during the test: [(event, kwargs)]."""
    from app.core.signals import news as news_signal

    heard = []

    def receiver(sender, **kwargs):
        heard.append((sender, kwargs))

    news_signal.connect(receiver)
    yield heard
    news_signal.disconnect(receiver)
