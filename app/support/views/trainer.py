"""Incidents from the trainer portal (`support_trainer`, /trainer/incidents):
report one, list the ones a trainer may see, read one. Another person's
client incident is a 404."""

from flask import Blueprint, render_template
from flask_login import current_user

from app.accounts.models import Role
from app.core.inputs import page_arg
from app.core.permissions import roles_required
from app.support import queries, services
from app.support.views import report_incident_page

bp = Blueprint("support_trainer", __name__, url_prefix="/trainer/incidents")
LAYOUT = "layouts/trainer.html"


@bp.get("/", endpoint="incidents")
@roles_required(Role.TRAINER)
def incidents():
    pagination = queries.incidents(current_user, page=page_arg())
    return render_template(
        "support/incidents.html", pagination=pagination, layout=LAYOUT, ep="support_trainer"
    )


@bp.route("/new", methods=["GET", "POST"], endpoint="new_incident")
@roles_required(Role.TRAINER)
def new_incident():
    return report_incident_page("support_trainer", LAYOUT)


@bp.get("/<int:incident_id>", endpoint="incident")
@roles_required(Role.TRAINER)
def incident(incident_id: int):
    incident = services.visible_incident(incident_id, current_user)
    return render_template(
        "support/incident.html", incident=incident, layout=LAYOUT, ep="support_trainer"
    )
