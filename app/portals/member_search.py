"""The desk's member search (/admin/members?q=), for the front desk and admins.

A portal page: accounts find the people, memberships say their plan. With no
script it is a plain results page; an HTMX request (the header's type-ahead,
the results page's own box, a staff form's member picker) gets only the
results partial. `pick=<field id>` makes the rows buttons that fill that
field of a staff form instead of links to the member's page.
"""

import re

from flask import Blueprint, render_template, request

from app.accounts.queries import MAX_SEARCH_LENGTH, MEMBER_SEARCH_LIMIT
from app.booking.queries.roster import member_results
from app.core.permissions import DESK, roles_required

bp = Blueprint("member_search", __name__, url_prefix="/admin/members")

#: rows in the header's and the pickers' drop-downs; the page shows more
DROPDOWN_LIMIT = 6
_FIELD_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,39}$")


@bp.get("", endpoint="index")
@roles_required(*DESK)
def index():
    # a picker's input is named after its form field ("member"), the box "q"
    q = (request.args.get("q") or request.args.get("member") or "")[:MAX_SEARCH_LENGTH]
    pick = request.args.get("pick", "")
    pick = pick if _FIELD_ID.match(pick) else None
    partial = bool(request.headers.get("HX-Request"))
    dropdown = partial and (pick or request.args.get("menu"))
    limit = DROPDOWN_LIMIT if dropdown else MEMBER_SEARCH_LIMIT
    rows = member_results(q, limit) if q.strip() else []
    context = {"q": q, "rows": rows[:limit], "more": len(rows) > limit, "pick": pick}
    if partial:
        context["menu"] = bool(request.args.get("menu"))
        return render_template("portals/member_search/_results.html", **context)
    return render_template("portals/member_search/index.html", **context)
