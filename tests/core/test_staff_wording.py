"""Staff pages speak about the member, never to them."""

import re

from tests.accounts.support import page_text

SECOND_PERSON = re.compile(r"\b(tienes|tu|tus|puedes|You have|your)\b")


def _visible(html: str) -> str:
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"<[^>]+>", " ", main)


def test_staff_member_page_in_spanish_says_the_member_has_no_credits(client, db, factories, login):
    member = factories.member(name="Lucía Ramos")
    login(factories.front_desk(language="es"))

    text = _visible(page_text(client.get(f"/admin/members/{member.id}/membership")))

    assert "No tienes" not in text
    assert "El socio no tiene créditos disponibles por ahora." in text
    assert SECOND_PERSON.findall(text) == []


def test_member_credits_page_still_speaks_to_the_member(client, db, factories, login):
    member = factories.member(language="es")
    login(member)

    text = _visible(page_text(client.get("/app/credits")))

    assert "No tienes créditos disponibles por ahora." in text


def test_staff_billing_details_hint_is_about_the_member(client, db, factories, login):
    member = factories.member()
    login(factories.front_desk())

    text = _visible(page_text(client.get(f"/admin/members/{member.id}/billing-details")))

    assert "the member's tax certificate" in text and "your tax certificate" not in text


def test_a_plan_sold_through_billing_says_so_in_spanish(client, db, factories, login):
    from app.core.db import transaction
    from app.memberships.models import Plan, PlanInterval, PlanKind
    from app.memberships.services.memberships import sell_plan

    member = factories.member()
    desk = factories.front_desk(language="es")
    plan = Plan(name="Mensual", price_minor=90000, currency="MXN", interval=PlanInterval.MONTH)
    plan.kind = PlanKind.UNLIMITED
    db.session.add(plan)
    db.session.commit()
    with transaction():
        sell_plan(member.id, plan.id, "paid, see invoice", actor=desk)
    login(desk)

    text = _visible(page_text(client.get(f"/admin/members/{member.id}/membership")))

    assert "Pagado, ver la factura" in text and "paid, see invoice" not in text
