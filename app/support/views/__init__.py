"""Support pages, one module per audience."""

from flask import send_from_directory

from app.core.errors import NotYours
from app.core.uploads import absolute_path, upload_root


def send_photo(reply) -> object:
    """A ticket reply's photo, never cached."""
    if not reply.photo_path or absolute_path(reply.photo_path) is None:
        raise NotYours()
    response = send_from_directory(upload_root(), reply.photo_path, max_age=0)
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response


def report_incident_page(endpoint_prefix: str, layout: str):
    """The incident form for a trainer or staff: validate, report, go to it."""
    from flask import flash, redirect, render_template, url_for
    from flask_babel import gettext as _
    from flask_login import current_user

    from app.core.forms import apply_error
    from app.core.inputs import parse_id
    from app.support import services
    from app.support.forms import IncidentForm

    form = IncidentForm()
    if form.validate_on_submit():
        try:
            member_raw = (form.member_id.data or "").strip()
            session_raw = (form.session_id.data or "").strip()
            member_id = parse_id(member_raw) if member_raw else None
            session_id = parse_id(session_raw) if session_raw else None
            if session_raw and session_id is None:
                raise services.SupportError(
                    _("Choose a session, or leave it empty."), field="session_id"
                )
            incident = services.report_incident(
                current_user._get_current_object(),
                kind=form.kind.data,
                severity=form.severity.data,
                description=form.description.data,
                equipment_name=form.equipment_name.data,
                out_of_service=form.out_of_service.data,
                member_id=member_id,
                session_id=session_id,
                first_aid=form.first_aid.data,
            )
        except services.SupportError as exc:
            apply_error(form, exc)
        else:
            flash(_("Incident recorded."), "success")
            return redirect(
                url_for(f"{endpoint_prefix}.incident", incident_id=incident.id), code=303
            )
    code = 422 if form.errors or form.form_errors else 200
    return render_template(
        "support/incident_new.html", form=form, layout=layout, ep=endpoint_prefix
    ), code
