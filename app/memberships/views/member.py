"""The member's own membership and credits (`memberships`, /app).

These pages take no member id, so no one else's can be asked for.
"""

from flask import Blueprint, render_template
from flask_login import current_user

from app.core.inputs import page_arg
from app.core.permissions import MEMBERS, roles_required
from app.memberships import ledger, queries
from app.memberships.services import renewals
from app.memberships.views import page_labels

bp = Blueprint("memberships", __name__, url_prefix="/app")
bp.context_processor(page_labels)


@bp.get("/membership")
@roles_required(*MEMBERS)
def membership():
    return render_template(
        "memberships/member/membership.html",
        snapshot=queries.member_snapshot(current_user.id),
        renew_url=renewals.renew_url(),
    )


@bp.get("/credits")
@roles_required(*MEMBERS)
def credits():
    return render_template(
        "memberships/member/credits.html",
        balance_cc=ledger.balance(current_user.id),
        lots=queries.live_lots(current_user.id),
        entries=queries.entries_page(current_user.id, page_arg()),
    )
