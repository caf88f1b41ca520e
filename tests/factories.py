"""Valid objects from no arguments; a test sets only what it is about."""

import itertools

from app.accounts.models import Role, User
from app.accounts.passwords import hash_password

_numbers = itertools.count(1)
_hashes: dict[str, str] = {}


def password_hash(password: str) -> str:
    if password not in _hashes:
        _hashes[password] = hash_password(password)
    return _hashes[password]


class Factories:
    def __init__(self, db):
        self.db = db

    def user(self, role: Role = Role.MEMBER, password: str = "correct-horse-battery", **fields):
        number = next(_numbers)
        fields.setdefault("email", f"person{number}@example.com")
        fields.setdefault("name", f"Person {number}")
        fields.setdefault("language", "en")
        user = User(role=role, password_hash=password_hash(password), **fields)
        self.db.session.add(user)
        self.db.session.commit()
        return user

    def admin(self, **fields):
        return self.user(Role.ADMIN, **fields)

    def front_desk(self, **fields):
        return self.user(Role.FRONT_DESK, **fields)

    def trainer(self, **fields):
        return self.user(Role.TRAINER, **fields)

    def member(self, **fields):
        return self.user(Role.MEMBER, **fields)

    def trainer_profile(self, **fields):
        """A trainer account with its profile; profile fields go to the Trainer."""
        from app.trainers.models import Trainer

        profile = {
            name: fields.pop(name) for name in ("bio", "specialties", "is_active") if name in fields
        }
        profile.setdefault("specialties", [])
        user = self.user(Role.TRAINER, **fields)
        trainer = Trainer(user=user, **profile)
        self.db.session.add(trainer)
        self.db.session.commit()
        return trainer
