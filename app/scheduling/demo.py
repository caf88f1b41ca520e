"""The demo gym's rooms, class types and weekly timetable (about 40 classes)."""

from datetime import time, timedelta

from app.core.i18n import gym_today
from app.scheduling.models import Difficulty
from app.scheduling.services.catalogue import save_class_type, save_room
from app.scheduling.services.timetable import save_timetable_entry

MON, TUE, WED, THU, FRI, SAT = (1 << day for day in range(6))
WEEKDAYS = MON | TUE | WED | THU | FRI

ROOMS = [("Sala principal", 25), ("Estudio", 15)]
#: name, tags, colour, minutes, capacity, difficulty, description
CLASS_TYPES = [
    (
        "Funcional",
        ["strength"],
        "#d63939",
        60,
        20,
        Difficulty.ALL_LEVELS,
        "Fuerza y acondicionamiento con peso corporal, kettlebells y mancuernas.",
    ),
    (
        "Yoga",
        ["mobility"],
        "#2fb344",
        60,
        15,
        Difficulty.ALL_LEVELS,
        "Vinyasa suave para ganar movilidad y bajar revoluciones.",
    ),
    (
        "Pilates",
        ["mobility", "core"],
        "#ae3ec9",
        55,
        12,
        Difficulty.BEGINNER,
        "Pilates mat: control, respiración y zona media.",
    ),
    (
        "HIIT",
        ["cardio"],
        "#f76707",
        45,
        20,
        Difficulty.ADVANCED,
        "Intervalos de alta intensidad. Sales empapado.",
    ),
    (
        "Spinning",
        ["cardio"],
        "#4263eb",
        45,
        20,
        Difficulty.INTERMEDIATE,
        "Ciclismo indoor con música y subidas.",
    ),
    (
        "Box",
        ["cardio", "strength"],
        "#1d273b",
        60,
        16,
        Difficulty.INTERMEDIATE,
        "Técnica de golpeo, desplazamientos y trabajo en costal.",
    ),
    (
        "Stretching",
        ["mobility"],
        "#0ca678",
        30,
        15,
        Difficulty.ALL_LEVELS,
        "Estiramientos guiados para cerrar el día.",
    ),
    (
        "CrossTraining",
        ["strength", "cardio"],
        "#f59f00",
        60,
        18,
        Difficulty.ADVANCED,
        "Levantamientos, gimnásticos y un WOD por sesión.",
    ),
]
#: class, trainer email, room, weekdays, start
TIMETABLE = [
    ("Funcional", "diego", "Sala principal", WEEKDAYS, time(7, 0)),
    ("Yoga", "carla", "Estudio", MON | WED | FRI, time(7, 0)),
    ("Pilates", "carla", "Estudio", TUE | THU, time(8, 15)),
    ("HIIT", "emily", "Sala principal", WEEKDAYS, time(9, 0)),
    ("Spinning", "emily", "Sala principal", WEEKDAYS, time(18, 0)),
    ("Box", "marcus", "Sala principal", WEEKDAYS, time(19, 0)),
    ("CrossTraining", "diego", "Sala principal", MON | WED | FRI, time(20, 0)),
    ("Yoga", "carla", "Estudio", TUE | THU, time(19, 0)),
    ("Stretching", "carla", "Estudio", WEEKDAYS, time(20, 0)),
    ("Box", "marcus", "Sala principal", SAT, time(7, 30)),
    ("Funcional", "diego", "Sala principal", SAT, time(9, 0)),
    ("Yoga", "carla", "Estudio", SAT, time(10, 0)),
    ("Spinning", "emily", "Sala principal", SAT, time(10, 30)),
    ("HIIT", "emily", "Sala principal", SAT, time(11, 45)),
]


def seed_schedule(admin, trainers: dict) -> int:
    """Rooms, class types and the weekly timetable; returns sessions created.

    Writes through the catalogue and timetable services as `admin`, so it
    raises what they raise (SchedulingError, AccessDenied). Queues nothing.
    """
    rooms = {name: save_room(None, name=name, capacity=size, actor=admin) for name, size in ROOMS}
    by_slug = {email.split("@")[0]: trainer for email, trainer in trainers.items()}
    types = {}
    for name, tags, colour, minutes, size, difficulty, description in CLASS_TYPES:
        types[name] = save_class_type(
            None,
            {
                "name": name,
                "tags": tags,
                "colour": colour,
                "duration_minutes": minutes,
                "default_capacity": size,
                "difficulty": difficulty,
                "description": description,
                "credits_required": 1,
            },
            actor=admin,
        )
    first_day = gym_today() - timedelta(days=7)
    created = 0
    for class_name, slug, room, weekdays, start in TIMETABLE:
        change = save_timetable_entry(
            None,
            {
                "class_type_id": types[class_name].id,
                "trainer_id": by_slug[slug].id,
                "room_id": rooms[room].id,
                "weekdays": weekdays,
                "start_time": start,
                "starts_on": first_day,
                "ends_on": None,
            },
            actor=admin,
        )
        created += change.created
    return created
