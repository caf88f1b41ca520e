"""Builders for rooms, class types, trainers and timetable entries.

The `schedule` and `app_ctx` fixtures are in tests/conftest.py, shared with booking.
"""

import itertools
from datetime import date, time

from app.accounts.models import Role, User
from app.scheduling.models import ClassType, Room
from app.scheduling.services.timetable import save_timetable_entry
from app.settings.models import DEFAULTS, GymSettings
from app.trainers.models import Trainer

MONDAY, TUESDAY, WEDNESDAY = 1, 2, 4
_numbers = itertools.count(1)


class Schedule:
    def __init__(self, db, factories):
        self.db, self.factories = db, factories

    def _save(self, obj):
        self.db.session.add(obj)
        self.db.session.commit()
        return obj

    def room(self, **fields):
        fields.setdefault("name", f"Room {next(_numbers)}")
        fields.setdefault("capacity", 20)
        return self._save(Room(**fields))

    def trainer(self, **fields):
        user = self.factories.user(Role.TRAINER, name=fields.pop("name", None) or "Carla Méndez")
        return self._save(Trainer(user=user, **fields))

    def class_type(self, **fields):
        fields.setdefault("name", f"Yoga {next(_numbers)}")
        fields.setdefault("duration_minutes", 60)
        fields.setdefault("default_capacity", 12)
        return self._save(ClassType(**fields))

    def entry(self, actor=None, **values):
        """A saved timetable entry (Mondays and Wednesdays 7:00 unless told)."""
        values.setdefault("class_type_id", values.pop("class_type", None) or self.class_type().id)
        values.setdefault("trainer_id", values.pop("trainer", None) or self.trainer().id)
        values.setdefault("room_id", values.pop("room", None) or self.room().id)
        values.setdefault("weekdays", MONDAY | WEDNESDAY)
        values.setdefault("start_time", time(7, 0))
        values.setdefault("starts_on", date.today())
        return save_timetable_entry(None, values, actor=actor or self.admin())

    def admin(self):
        if not hasattr(self, "_admin"):
            self._admin = self.factories.admin()
        return self._admin

    def zone(self, name: str):
        settings = self.db.session.get(GymSettings, 1) or GymSettings(id=1, **DEFAULTS)
        settings.timezone = name
        self._save(settings)


__all__ = ["MONDAY", "TUESDAY", "WEDNESDAY", "User"]
