"""The demo gym's exercise library, a template program, member1's program
from Carla with a few weeks of logged sets, and member1's diet chart."""

from datetime import time, timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.core.i18n import gym_today
from app.extensions import db
from app.programs.models import (
    DietChart,
    DietMeal,
    Equipment,
    Exercise,
    MuscleGroup,
    Program,
    ProgramDay,
    ProgramLine,
    ProgramStatus,
    SetLog,
)
from app.trainers.models import Trainer

M, E = MuscleGroup, Equipment
#: (English, Spanish, muscle group, equipment, instructions)
EXERCISES = [
    (
        "Barbell bench press",
        "Press de banca con barra",
        M.CHEST,
        E.BARBELL,
        "Feet flat, shoulder blades pinched. Lower the bar to mid-chest, press up.",
    ),
    (
        "Incline dumbbell press",
        "Press inclinado con mancuernas",
        M.CHEST,
        E.DUMBBELL,
        "Bench at 30°. Press the dumbbells up and slightly together.",
    ),
    ("Push-up", "Lagartija", M.CHEST, E.BODYWEIGHT, "Body in one line; chest to the floor."),
    ("Cable fly", "Aperturas en polea", M.CHEST, E.CABLE, "Soft elbows; hug a big tree."),
    ("Chest dip", "Fondos para pecho", M.CHEST, E.BODYWEIGHT, "Lean forward, lower slowly."),
    ("Machine chest press", "Press de pecho en máquina", M.CHEST, E.MACHINE, ""),
    (
        "Deadlift",
        "Peso muerto",
        M.BACK,
        E.BARBELL,
        "Bar over mid-foot, flat back, push the floor away.",
    ),
    ("Pull-up", "Dominada", M.BACK, E.BODYWEIGHT, "Full hang to chin over the bar."),
    ("Lat pulldown", "Jalón al pecho", M.BACK, E.CABLE, "Pull the bar to the upper chest."),
    ("Barbell row", "Remo con barra", M.BACK, E.BARBELL, "Hinge to 45°, row to the belly."),
    ("One-arm dumbbell row", "Remo a una mano con mancuerna", M.BACK, E.DUMBBELL, ""),
    ("Seated cable row", "Remo sentado en polea", M.BACK, E.CABLE, ""),
    ("Face pull", "Face pull", M.SHOULDERS, E.CABLE, "Rope to the forehead, elbows high."),
    (
        "Overhead press",
        "Press militar",
        M.SHOULDERS,
        E.BARBELL,
        "Squeeze glutes, press the bar straight overhead.",
    ),
    ("Dumbbell shoulder press", "Press de hombro con mancuernas", M.SHOULDERS, E.DUMBBELL, ""),
    (
        "Lateral raise",
        "Elevaciones laterales",
        M.SHOULDERS,
        E.DUMBBELL,
        "Raise to shoulder height, lead with the elbows.",
    ),
    ("Rear delt fly", "Pájaros", M.SHOULDERS, E.DUMBBELL, ""),
    ("Arnold press", "Press Arnold", M.SHOULDERS, E.DUMBBELL, ""),
    ("Barbell curl", "Curl con barra", M.ARMS, E.BARBELL, "Elbows still at your sides."),
    ("Hammer curl", "Curl martillo", M.ARMS, E.DUMBBELL, ""),
    ("Triceps pushdown", "Extensión de tríceps en polea", M.ARMS, E.CABLE, ""),
    ("Skull crusher", "Press francés", M.ARMS, E.BARBELL, ""),
    ("Bench dip", "Fondos en banco", M.ARMS, E.BODYWEIGHT, ""),
    ("Band curl", "Curl con liga", M.ARMS, E.BAND, ""),
    (
        "Back squat",
        "Sentadilla trasera",
        M.LEGS,
        E.BARBELL,
        "Brace, sit between the hips, knees over toes, stand tall.",
    ),
    ("Front squat", "Sentadilla frontal", M.LEGS, E.BARBELL, ""),
    ("Goblet squat", "Sentadilla goblet", M.LEGS, E.KETTLEBELL, ""),
    ("Leg press", "Prensa de piernas", M.LEGS, E.MACHINE, ""),
    ("Walking lunge", "Zancadas caminando", M.LEGS, E.DUMBBELL, ""),
    ("Bulgarian split squat", "Sentadilla búlgara", M.LEGS, E.DUMBBELL, ""),
    ("Leg extension", "Extensión de piernas", M.LEGS, E.MACHINE, ""),
    ("Lying leg curl", "Curl femoral acostado", M.LEGS, E.MACHINE, ""),
    (
        "Romanian deadlift",
        "Peso muerto rumano",
        M.LEGS,
        E.BARBELL,
        "Soft knees, push the hips back until the hamstrings stretch.",
    ),
    ("Standing calf raise", "Elevación de talones de pie", M.LEGS, E.MACHINE, ""),
    ("Hip thrust", "Empuje de cadera", M.GLUTES, E.BARBELL, "Chin tucked, lock out the hips."),
    ("Glute bridge", "Puente de glúteo", M.GLUTES, E.BODYWEIGHT, ""),
    ("Cable kickback", "Patada de glúteo en polea", M.GLUTES, E.CABLE, ""),
    ("Band lateral walk", "Caminata lateral con liga", M.GLUTES, E.BAND, ""),
    ("Plank", "Plancha", M.CORE, E.BODYWEIGHT, "Elbows under shoulders, body in one line."),
    ("Side plank", "Plancha lateral", M.CORE, E.BODYWEIGHT, ""),
    ("Hanging knee raise", "Elevación de rodillas colgado", M.CORE, E.BODYWEIGHT, ""),
    ("Cable crunch", "Crunch en polea", M.CORE, E.CABLE, ""),
    ("Dead bug", "Bicho muerto", M.CORE, E.BODYWEIGHT, ""),
    ("Pallof press", "Press Pallof", M.CORE, E.CABLE, ""),
    (
        "Kettlebell swing",
        "Balanceo con pesa rusa",
        M.FULL_BODY,
        E.KETTLEBELL,
        "Hinge and snap the hips; the arms only guide the bell.",
    ),
    ("Burpee", "Burpee", M.FULL_BODY, E.BODYWEIGHT, ""),
    ("Thruster", "Thruster", M.FULL_BODY, E.BARBELL, ""),
    ("Farmer's carry", "Caminata del granjero", M.FULL_BODY, E.DUMBBELL, ""),
    ("Rowing machine", "Remo ergómetro", M.CARDIO, E.MACHINE, ""),
    ("Jump rope", "Saltar la cuerda", M.CARDIO, E.OTHER, ""),
    ("Assault bike", "Bicicleta de aire", M.CARDIO, E.MACHINE, ""),
]

#: (day, [(exercise, sets, reps_min, reps_max, seconds, kg, rest, superset)])
PLAN = [
    (
        "Día 1 – Empuje",
        [
            ("Barbell bench press", 4, 6, 8, None, 50, 120, ""),
            ("Overhead press", 3, 8, 10, None, 30, 90, ""),
            ("Lateral raise", 3, 12, 15, None, 6, 45, "A"),
            ("Triceps pushdown", 3, 10, 12, None, 20, 45, "A"),
        ],
    ),
    (
        "Día 2 – Tirón",
        [
            ("Deadlift", 3, 5, None, None, 80, 150, ""),
            ("Lat pulldown", 3, 8, 12, None, 45, 90, ""),
            ("Seated cable row", 3, 10, None, None, 40, 60, "A"),
            ("Barbell curl", 3, 10, None, None, 20, 60, "A"),
        ],
    ),
    (
        "Día 3 – Pierna",
        [
            ("Back squat", 4, 6, 8, None, 60, 120, ""),
            ("Romanian deadlift", 3, 8, 10, None, 50, 90, ""),
            ("Walking lunge", 3, 10, None, None, 12, 60, ""),
            ("Plank", 3, None, None, 45, None, 45, ""),
        ],
    ),
]


def _program(trainer, *, member=None, starts_on=None) -> Program:
    by_name = {e.name_en: e for e in db.session.scalars(select(Exercise))}
    program = Program(
        trainer=trainer,
        member_id=member.id if member else None,
        status=ProgramStatus.ACTIVE if member else ProgramStatus.TEMPLATE,
        name="Fuerza base: empuje, tirón, pierna",
        goal="Ganar fuerza en los básicos",
        weeks=8,
        starts_on=starts_on,
    )
    for position, (day_name, lines) in enumerate(PLAN, start=1):
        day = ProgramDay(position=position, name=day_name)
        for number, (name, sets, low, high, seconds, kg, rest, superset) in enumerate(lines, 1):
            day.lines.append(
                ProgramLine(
                    position=number,
                    exercise=by_name[name],
                    sets=sets,
                    reps_min=low,
                    reps_max=high,
                    seconds=seconds,
                    weight_g=kg * 1000 if kg is not None else None,
                    rest_seconds=rest,
                    superset=superset,
                )
            )
        program.days.append(day)
    db.session.add(program)
    return program


def _logs(program: Program, member: User, today) -> int:
    """Three workouts a week since the start, a little heavier each week."""
    count = 0
    for week in range((today - program.starts_on).days // 7 + 1):
        for index, day in enumerate(program.days):
            performed_on = program.starts_on + timedelta(days=7 * week + 2 * index)
            if performed_on >= today or (week, index) == (1, 2):  # one workout missed
                continue
            for line in day.lines:
                for set_number in range(1, line.sets + 1):
                    weight = line.weight_g + 2500 * week if line.weight_g else None
                    db.session.add(
                        SetLog(
                            member_id=member.id,
                            program_id=program.id,
                            line_id=line.id,
                            exercise_id=line.exercise_id,
                            performed_on=performed_on,
                            set_number=set_number,
                            reps=line.seconds or line.reps_max or line.reps_min,
                            weight_g=weight,
                            rpe=7 + (set_number == line.sets),
                            day_name=day.name,
                            prescribed_sets=line.sets,
                            prescribed_reps_min=line.reps_min,
                            prescribed_reps_max=line.reps_max,
                            prescribed_seconds=line.seconds,
                            prescribed_weight_g=line.weight_g,
                        )
                    )
                    count += 1
    return count


def _diet(trainer, member) -> None:
    chart = DietChart(
        trainer=trainer,
        member_id=member.id,
        name="Plan de volumen limpio",
        kcal=2600,
        protein_g=150,
        carbs_g=300,
        fat_g=80,
        notes="Bebe 2–3 litros de agua al día. Los días de descanso, quita la merienda.",
    )
    meals = [
        ("Desayuno", time(8), [("Avena", "80 g"), ("Leche", "250 ml"), ("Plátano", "1")]),
        (
            "Comida",
            time(14),
            [("Arroz", "120 g en crudo"), ("Pechuga de pollo", "180 g"), ("Verduras", "al gusto")],
        ),
        ("Merienda", time(17, 30), [("Yogur griego", "200 g"), ("Nueces", "30 g")]),
        ("Cena", time(21), [("Huevos", "3"), ("Tortillas de maíz", "3"), ("Aguacate", "½")]),
    ]
    for position, (name, at, items) in enumerate(meals, start=1):
        chart.meals.append(
            DietMeal(
                position=position,
                name=name,
                at=at,
                items=[{"food": food, "quantity": quantity} for food, quantity in items],
            )
        )
    db.session.add(chart)


def seed_programs() -> int:
    """The library, Carla's template and member1's program, logs and diet
    chart, inside the caller's transaction; tells no one. Returns the sets logged."""
    for name_en, name_es, group, equipment, instructions in EXERCISES:
        db.session.add(
            Exercise(
                name_en=name_en,
                name_es=name_es,
                muscle_group=group,
                equipment=equipment,
                instructions=instructions,
            )
        )
    db.session.flush()
    trainer = db.session.scalar(
        select(Trainer)
        .join(User, User.id == Trainer.user_id)
        .where(User.email == "carla@cupo.demo")
    )
    member = db.session.scalar(select(User).where(User.email == "member1@cupo.demo"))
    if trainer is None or member is None:
        return 0
    template = _program(trainer)
    db.session.flush()
    today = gym_today()
    # in its fourth week: days 1 done, day 2 due today
    program = _program(trainer, member=member, starts_on=today - timedelta(days=23))
    program.source_id = template.id
    db.session.flush()
    count = _logs(program, member, today)
    _diet(trainer, member)
    db.session.flush()
    return count
