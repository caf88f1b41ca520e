"""The exercise library: trainers and admins add and edit exercises.

Pictures are checked and stored by app.core.uploads (a 512×512 JPEG, like
profile photos) before the transaction; a replaced picture is removed after
commit, a new one again if the transaction fails.
"""

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.core import audit, uploads
from app.core.db import transaction
from app.core.permissions import TRAINERS, get_or_404, require_role
from app.extensions import db
from app.programs.models import Equipment, Exercise, MuscleGroup
from app.programs.services import ProgramError

MAX_NAME = 120
MAX_INSTRUCTIONS = 4000


def _clean(name_en, name_es, muscle_group, equipment, instructions, *, exercise_id=None) -> dict:
    """The checked values; raises ProgramError naming the field at fault."""
    name_en, name_es = (name_en or "").strip(), (name_es or "").strip()
    for field, name in (("name_en", name_en), ("name_es", name_es)):
        if not name:
            raise ProgramError(_("Enter a name."), field=field)
        if len(name) > MAX_NAME:
            raise ProgramError(_("Use at most %(max)d characters.", max=MAX_NAME), field=field)
    try:
        muscle_group = MuscleGroup(muscle_group)
    except ValueError:
        raise ProgramError(_("Choose a muscle group."), field="muscle_group") from None
    try:
        equipment = Equipment(equipment)
    except ValueError:
        raise ProgramError(_("Choose the equipment."), field="equipment") from None
    instructions = (instructions or "").strip()
    if len(instructions) > MAX_INSTRUCTIONS:
        raise ProgramError(
            _("Use at most %(max)d characters.", max=MAX_INSTRUCTIONS), field="instructions"
        )
    taken = db.session.scalar(
        select(Exercise.id).where(
            func.lower(Exercise.name_en) == name_en.lower(), Exercise.id != (exercise_id or 0)
        )
    )
    if taken is not None:
        raise ProgramError(_("The library already has an exercise of this name."), field="name_en")
    return {
        "name_en": name_en,
        "name_es": name_es,
        "muscle_group": muscle_group,
        "equipment": equipment,
        "instructions": instructions,
    }


def _snapshot(exercise: Exercise) -> dict:
    return {
        "name_en": exercise.name_en,
        "name_es": exercise.name_es,
        "muscle_group": exercise.muscle_group.value,
        "equipment": exercise.equipment.value,
        "image_path": exercise.image_path,
    }


def _stored_image(image):
    if image is None:
        return None
    try:
        return uploads.store_photo(image)
    except uploads.UploadError as exc:
        raise ProgramError(str(exc), field="image") from exc


def save_exercise(
    exercise_id: int | None,
    *,
    name_en,
    name_es,
    muscle_group,
    equipment,
    instructions="",
    image=None,
    remove_image=False,
    actor,
) -> Exercise:
    """Add an exercise to the library (`exercise_id` None) or change one.

    Raises AccessDenied unless `actor` is a trainer or an admin, NotYours for
    an unknown exercise, ProgramError (with its field) for a bad value or
    picture; nothing is written then. Queues nothing.
    """
    require_role(actor, *TRAINERS)
    values = _clean(
        name_en, name_es, muscle_group, equipment, instructions, exercise_id=exercise_id
    )
    if exercise_id is not None:
        get_or_404(Exercise, exercise_id)
    stored = _stored_image(image)
    saved = {}

    def write() -> str | None:
        with transaction():
            if exercise_id is None:
                exercise = Exercise(**values)
                db.session.add(exercise)
                before = None
            else:
                exercise = get_or_404(Exercise, exercise_id)
                before = _snapshot(exercise)
                for key, value in values.items():
                    setattr(exercise, key, value)
            old = exercise.image_path
            if stored is not None:
                exercise.image_path = stored.path
            elif remove_image:
                exercise.image_path = None
            db.session.flush()
            audit.record(
                "exercise.created" if before is None else "exercise.updated",
                exercise,
                actor=actor,
                before=before,
                after=_snapshot(exercise),
            )
            saved["exercise"] = exercise
        return old if exercise.image_path != old else None

    if stored is not None:
        uploads.swap_in(stored, write)
    else:
        old = write()
        if old:
            uploads.delete_file(old)
    return saved["exercise"]
