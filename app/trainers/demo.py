"""The demo gym's trainer profiles."""

from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.trainers.models import Trainer

PROFILES = {
    "carla@cupo.demo": (
        "Instructora de yoga y pilates desde 2015. Clases tranquilas, mucha técnica.",
        ["yoga", "pilates", "movilidad"],
    ),
    "diego@cupo.demo": (
        "Entrenador funcional y de CrossTraining. Fuerza primero, siempre con buena forma.",
        ["funcional", "fuerza", "crosstraining"],
    ),
    "emily@cupo.demo": (
        "Indoor cycling and HIIT coach. Bring water and a towel.",
        ["spinning", "hiit", "cardio"],
    ),
    "marcus@cupo.demo": (
        "Boxing coach and former amateur fighter. Footwork, combos, conditioning.",
        ["box", "acondicionamiento"],
    ),
}


def seed_trainers() -> dict[str, Trainer]:
    """Profiles for the demo trainers, by email (inside the caller's transaction)."""
    users = db.session.scalars(select(User).where(User.email.in_(PROFILES))).all()
    trainers = {}
    for user in users:
        bio, specialties = PROFILES[user.email]
        trainer = Trainer(user=user, bio=bio, specialties=specialties)
        db.session.add(trainer)
        trainers[user.email] = trainer
    db.session.flush()
    return trainers
