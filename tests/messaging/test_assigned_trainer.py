"""The desk sets a member's assigned trainer on the member page, audited."""

from sqlalchemy import select

from app.core.audit import AuditEntry
from app.trainers.models import ClientAssignment
from tests.accounts.support import field_error, page_text
from tests.conftest import post_form


def _assigned(db, member_id):
    row = db.session.get(ClientAssignment, member_id, populate_existing=True)
    return row.trainer_id if row else None


def test_front_desk_assigns_changes_and_clears_the_trainer(db, client, login, factories):
    member = factories.member()
    first, second = factories.trainer_profile(), factories.trainer_profile()
    login(factories.front_desk())
    page = f"/admin/members/{member.id}"
    path = f"/admin/members/{member.id}/trainer"

    post_form(client, path, {"trainer_id": str(first.id)}, token_from=page)
    assert _assigned(db, member.id) == first.id
    post_form(client, path, {"trainer_id": str(second.id)}, token_from=page)
    assert _assigned(db, member.id) == second.id
    response = post_form(client, path, {"trainer_id": ""}, token_from=page)

    assert response.status_code == 303
    assert _assigned(db, member.id) is None
    entries = db.session.execute(
        select(AuditEntry.before, AuditEntry.after).where(
            AuditEntry.action == "member.trainer_assigned"
        )
    ).all()
    assert [(b["trainer_id"], a["trainer_id"]) for b, a in entries] == [
        (None, first.id),
        (first.id, second.id),
        (second.id, None),
    ]


def test_an_inactive_trainer_cannot_be_assigned(db, client, login, factories):
    member = factories.member()
    inactive = factories.trainer_profile(is_active=False)
    login(factories.admin())

    response = post_form(
        client,
        f"/admin/members/{member.id}/trainer",
        {"trainer_id": str(inactive.id)},
        token_from=f"/admin/members/{member.id}",
    )

    assert response.status_code == 400
    assert field_error(response, "trainer_id") == "Choose an active trainer."
    assert _assigned(db, member.id) is None


def test_the_member_page_shows_the_assigned_trainer(db, client, login, factories, talk):
    member = factories.member()
    trainer = factories.trainer_profile(name="Tina Trainer")
    talk.assigned(member, trainer)
    login(factories.front_desk())

    html = page_text(client.get(f"/admin/members/{member.id}"))

    assert f'<option selected value="{trainer.id}">Tina Trainer</option>' in html
