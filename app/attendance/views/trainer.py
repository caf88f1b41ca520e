"""The trainer's scanner and class lists (`/trainer/...`): the same pages as
the desk's, on the `scanner` and `attendance` blueprints of `staff.py`, with
the trainer's layout; another trainer's class is a 404."""

from app.attendance.forms import WalkInForm
from app.attendance.views.staff import (
    SCANNERS,
    attendance_list,
    class_or_404,
    lists_bp,
    scanner_bp,
    scanner_page,
    walk_in,
)
from app.core.permissions import TRAINERS, roles_required


@scanner_bp.get("/trainer/scan")
@roles_required(*TRAINERS)
def trainer_scanner():
    return scanner_page(SCANNERS["trainer"])


@lists_bp.get("/trainer/sessions/<int:session_id>/attendance")
@roles_required(*TRAINERS)
def trainer_list(session_id: int):
    return attendance_list("trainer", class_or_404(session_id), WalkInForm(formdata=None))


@lists_bp.post("/trainer/sessions/<int:session_id>/walk-in")
@roles_required(*TRAINERS)
def trainer_walk_in(session_id: int):
    return walk_in("trainer", session_id)
