"""Forms of the programs pages. Numbers, reps and weights are read as typed
and checked by the services, which say what is wrong on the field itself."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import Optional

from app.core.forms import ChoiceField, DateBounds, IdSelectField, days_from_today, strip
from app.programs.models import EQUIPMENT_LABELS, MUSCLE_GROUP_LABELS
from app.scheduling.forms.fields import LocalDateField, LocalTimeField

NUMERIC = {"inputmode": "numeric"}
DECIMAL = {"inputmode": "decimal"}


class ExerciseForm(FlaskForm):
    name_en = StringField(_l("Name in English"), filters=[strip])
    name_es = StringField(_l("Name in Spanish"), filters=[strip])
    muscle_group = ChoiceField(
        _l("Muscle group"), invalid_message=_l("Choose a muscle group."), choices=[]
    )
    equipment = ChoiceField(
        _l("Equipment"), invalid_message=_l("Choose the equipment."), choices=[]
    )
    instructions = TextAreaField(_l("Instructions"), render_kw={"rows": 5})
    image = FileField(_l("Picture (optional)"))
    remove_image = BooleanField(_l("Remove the picture"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.muscle_group.choices = [
            (g.value, str(label)) for g, label in MUSCLE_GROUP_LABELS.items()
        ]
        self.equipment.choices = [(e.value, str(label)) for e, label in EQUIPMENT_LABELS.items()]


class ExerciseFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), filters=[strip], validators=[Optional()])
    muscle_group = ChoiceField(
        _l("Muscle group"), invalid_message=_l("Choose a muscle group."), choices=[]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.muscle_group.choices = [
            ("", _l("All")),
            *((g.value, str(label)) for g, label in MUSCLE_GROUP_LABELS.items()),
        ]


class ProgramForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip])
    goal = StringField(_l("Goal"), filters=[strip])
    weeks = StringField(_l("Weeks"), filters=[strip], render_kw=NUMERIC, default="4")


class DayForm(FlaskForm):
    name = StringField(
        _l("Day name"), filters=[strip], render_kw={"placeholder": _l("Day 1 – Push")}
    )


class LineForm(FlaskForm):
    exercise_id = IdSelectField(
        _l("Exercise"), invalid_message=_l("Choose an exercise from the library.")
    )
    sets = StringField(_l("Sets"), filters=[strip], render_kw=NUMERIC, default="3")
    reps = StringField(
        _l("Reps"),
        filters=[strip],
        default="10",
        description=_l("A number, a range such as 8-12, or seconds such as 30s."),
    )
    weight = StringField(
        _l("Weight (kg)"),
        filters=[strip],
        render_kw=DECIMAL,
        description=_l("Leave it blank for bodyweight."),
    )
    rest_seconds = StringField(
        _l("Rest (seconds)"), filters=[strip], render_kw=NUMERIC, default="60"
    )
    superset = StringField(
        _l("Superset"),
        filters=[strip],
        description=_l("Give consecutive exercises the same letter, such as A."),
    )
    note = StringField(_l("Note"), filters=[strip])


class AssignForm(FlaskForm):
    member_id = IdSelectField(_l("Client"), invalid_message=_l("Choose a client."))
    starts_on = LocalDateField(
        _l("Start date"), validators=[DateBounds(days_from_today(-7), days_from_today(365))]
    )


class LogSetForm(FlaskForm):
    reps = StringField(_l("Reps"), filters=[strip], render_kw=NUMERIC)
    weight = StringField(_l("kg"), filters=[strip], render_kw=DECIMAL)
    rpe = StringField(_l("RPE"), filters=[strip], render_kw=NUMERIC)


class DietChartForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip], default=_l("Diet chart"))
    kcal = StringField(_l("Calories a day (kcal)"), filters=[strip], render_kw=NUMERIC)
    protein_g = StringField(_l("Protein (g)"), filters=[strip], render_kw=NUMERIC)
    carbs_g = StringField(_l("Carbohydrates (g)"), filters=[strip], render_kw=NUMERIC)
    fat_g = StringField(_l("Fat (g)"), filters=[strip], render_kw=NUMERIC)
    notes = TextAreaField(_l("Notes"), render_kw={"rows": 4})


class MealForm(FlaskForm):
    name = StringField(_l("Meal"), filters=[strip], render_kw={"placeholder": _l("Breakfast")})
    at = LocalTimeField(_l("Time (optional)"), validators=[Optional()])
    items = TextAreaField(
        _l("Items"),
        render_kw={"rows": 4, "placeholder": _l("Oats: 80 g")},
        description=_l("One a line, as “Food: quantity”."),
    )
