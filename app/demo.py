"""`flask seed demo`: a believable gym to click around in.

Every later domain adds its part here, so the demo grows with the product.
"""

import random

from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.accounts.passwords import hash_password
from app.attendance.demo import seed_bookings
from app.billing.demo import seed_payments
from app.core import audit
from app.core.db import transaction
from app.extensions import db
from app.leads.demo import seed_leads
from app.memberships.demo import seed_memberships
from app.messaging.demo import seed_messages
from app.notifications.demo import seed_notifications
from app.programs.demo import seed_programs
from app.scheduling.demo import seed_schedule
from app.settings.models import DEFAULTS, GymSettings
from app.staff.demo import seed_availability, seed_leave, seed_pay
from app.support.demo import seed_incidents, seed_tickets
from app.trainers.demo import seed_trainers

DEMO_PASSWORD = "cupo-demo-2026"
DOMAIN = "cupo.demo"

STAFF = [
    ("Admin", "Ana Torres", Role.ADMIN, "es", "admin"),
    ("Front desk", "Luis Herrera", Role.FRONT_DESK, "es", "recepcion"),
    ("Trainer", "Carla Méndez", Role.TRAINER, "es", "carla"),
    ("Trainer", "Diego Ramírez", Role.TRAINER, "es", "diego"),
    ("Trainer", "Emily Carter", Role.TRAINER, "en", "emily"),
    ("Trainer", "Marcus Reed", Role.TRAINER, "en", "marcus"),
]
FIRST = [
    "María",
    "José",
    "Sofía",
    "Juan",
    "Valentina",
    "Miguel",
    "Camila",
    "Alejandro",
    "Lucía",
    "Fernando",
    "Daniela",
    "Ricardo",
    "Isabella",
    "Jorge",
    "Regina",
    "Emma",
    "Liam",
    "Olivia",
    "Noah",
    "Ava",
    "James",
    "Mia",
    "Ethan",
    "Grace",
    "Henry",
]
LAST = [
    "García",
    "Hernández",
    "López",
    "Martínez",
    "González",
    "Pérez",
    "Rodríguez",
    "Sánchez",
    "Flores",
    "Gómez",
    "Smith",
    "Johnson",
    "Brown",
    "Miller",
    "Wilson",
    "Taylor",
    "Anderson",
    "Moore",
]
ENGLISH_FIRST = {"Emma", "Liam", "Olivia", "Noah", "Ava", "James", "Mia", "Ethan", "Grace", "Henry"}
MEMBER_COUNT = 60


def _ascii(text: str) -> str:
    table = str.maketrans("áéíóúñÁÉÍÓÚÑ", "aeiounAEIOUN")
    return text.translate(table).lower()


def demo_logins() -> list[tuple[str, str]]:
    logins = [(label, f"{slug}@{DOMAIN}") for label, _, _, _, slug in STAFF]
    logins.append(("Member", f"member1@{DOMAIN}"))
    return logins


def _members(rng: random.Random) -> list[dict]:
    members = []
    for number in range(1, MEMBER_COUNT + 1):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        members.append(
            {
                "email": f"member{number}@{DOMAIN}"
                if number == 1
                else f"{_ascii(first)}.{_ascii(last)}{number}@{DOMAIN}",
                "name": f"{first} {last}",
                "phone": f"+52 55 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
                "language": "en" if first in ENGLISH_FIRST else "es",
            }
        )
    return members


def seed_demo() -> bool:
    """Load the demo gym into an empty database; False when it has users."""
    if db.session.scalar(select(func.count(User.id))):
        return False
    password_hash = hash_password(DEMO_PASSWORD)
    rng = random.Random(2026)
    with transaction():
        if db.session.get(GymSettings, 1) is None:
            db.session.add(
                GymSettings(
                    id=1,
                    **dict(
                        DEFAULTS,
                        gym_name="Cupo Fitness Roma",
                        legal_name="Cupo Fitness S.A. de C.V.",
                        address="Av. Álvaro Obregón 120, Roma Norte, CDMX",
                    ),
                )
            )
        people = [
            {"email": f"{slug}@{DOMAIN}", "name": name, "role": role, "language": lang}
            for _, name, role, lang, slug in STAFF
        ] + [dict(m, role=Role.MEMBER) for m in _members(rng)]
        for person in people:
            db.session.add(User(password_hash=password_hash, **person))
        db.session.flush()
        admin = db.session.scalar(select(User).where(User.email == f"admin@{DOMAIN}"))
        sessions = seed_schedule(admin, seed_trainers())
        memberships = seed_memberships(admin, rng)
        bookings = seed_bookings(admin, rng)
        payments = seed_payments()
        messages = seed_messages()
        notifications = seed_notifications()
        sets_logged = seed_programs()
        leave = seed_leave(admin)
        pay_statements = seed_pay(admin)
        availability = seed_availability()
        leads = seed_leads()
        tickets = seed_tickets()
        incidents = seed_incidents()
        audit.record(
            "demo.seeded",
            None,
            entity_type="Gym",
            actor=admin,
            after={
                "users": len(people),
                "sessions": sessions,
                "memberships": memberships,
                "bookings": bookings,
                "payments": payments,
                "messages": messages,
                "notifications": notifications,
                "sets_logged": sets_logged,
                "leave": leave,
                "pay_statements": pay_statements,
                "availability_blocks": availability,
                "leads": leads,
                "tickets": tickets,
                "incidents": incidents,
            },
        )
    return True
