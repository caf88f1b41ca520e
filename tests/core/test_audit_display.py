"""The audit page reads as words for an owner; the stored chain is untouched."""

import html

from app.core import audit
from app.core.db import transaction


def _record(actor, action, entity, **changes):
    with transaction():
        audit.record(action, entity, actor=actor, **changes)


def test_actions_fields_and_values_in_spanish(client, db, factories, login):
    admin = factories.admin(language="es", name="Dueña Pérez")
    member = factories.member(name="José Núñez")
    after = {"amount_minor": 35000, "reason": "Lesión", "refunded_cc": 150, "credits_cc": 100}
    after.update(method="transfer", member_id=member.id)
    _record(admin, "payment.refunded", None, entity_type="Payment", after=after)
    _record(
        admin,
        "session.rescheduled",
        member,
        after={"starts_at": "2026-03-02T13:00:00+00:00", "is_active": True},
    )
    login(admin)
    page = html.unescape(client.get("/admin/audit").get_data(as_text=True))
    assert "Pago reembolsado" in page and "Clase movida" in page
    assert "Monto" in page and "$350.00" in page
    assert "Método" in page and "Transferencia" in page  # a stored value in words
    assert "1.5 créditos" in page and "1 crédito" in page
    assert "Lesión" in page and "\\u00e9" not in page  # letters, not escapes
    assert "José Núñez (" in page and "Dueña Pérez (" in page  # member and actor named
    assert "<details>" in page and "payment.refunded" in page  # the raw entry, folded
    assert audit.verify() is None


def test_times_are_the_gyms_and_unknown_actions_fall_back(client, db, factories, login):
    admin = factories.admin()
    _record(admin, "thing.frobbed", admin, after={"starts_at": "2026-03-02T13:00:00+00:00"})
    login(admin)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "thing.frobbed" in page
    shown = page.split("<details>")[0]
    assert "2026-03-02T13:00" not in shown
    assert "7:00\u202fAM" in shown  # 13:00 UTC in Mexico City, on the English 12-hour clock
