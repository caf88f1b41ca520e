"""/join: anyone asks to join the gym (`leads_public`)."""

from flask import Blueprint, redirect, render_template, url_for

from app.core.limits import ip_address, write_limit
from app.leads import services
from app.leads.forms import JoinForm
from app.leads.models import Interest

bp = Blueprint("leads_public", __name__)


@bp.route("/join", methods=["GET", "POST"], endpoint="join")
@write_limit("LEAD_LIMIT", key_func=ip_address)
def join():
    form = JoinForm()
    if form.validate_on_submit():
        # a filled honeypot is a bot: answered like a success, nothing written
        if not form.website.data:
            services.apply(
                name=form.name.data,
                email=form.email.data,
                phone=form.phone.data,
                interest=Interest(form.interest.data),
                message=form.message.data,
            )
        return redirect(url_for("leads_public.thanks"), code=303)
    return render_template("leads/public/join.html", form=form)


@bp.get("/join/thanks", endpoint="thanks")
def thanks():
    return render_template("leads/public/thanks.html")
