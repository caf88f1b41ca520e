"""Members' tickets and staff's answers: validation, notes, notifications,
statuses, access and bounded list queries."""

from sqlalchemy import func, select

from app.core.audit import AuditEntry
from app.support.models import SupportTicket, TicketReply, TicketStatus
from app.support.queries import open_ticket_counts
from tests.accounts.support import field_error, page_text
from tests.conftest import post_form
from tests.queries import counting_statements
from tests.trainers.support import file_storage, image_bytes, pdf_bytes


def _fresh(db, ticket) -> SupportTicket:
    ticket_id = ticket.id
    db.session.expire_all()
    return db.session.get(SupportTicket, ticket_id)


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_member_opens_a_ticket_with_a_photo(db, client, login, factories):
    member = factories.member()
    login(member)
    response = post_form(
        client,
        "/app/support/new",
        {
            "category": "facilities",
            "subject": "Shower 3",
            "message": "No hot water.",
            "photo": file_storage(image_bytes(), "shower.png"),
        },
        content_type="multipart/form-data",
    )
    ticket = db.session.scalar(select(SupportTicket))
    assert response.status_code == 303
    assert response.location.endswith(f"/app/support/{ticket.id}")
    assert (ticket.member_id, ticket.status) == (member.id, TicketStatus.OPEN)
    reply = db.session.scalar(select(TicketReply))
    assert reply.body == "No hot water." and reply.photo_path
    page = client.get(f"/app/support/{ticket.id}")
    assert "No hot water." in page_text(page)
    assert client.get(f"/app/support/photos/{reply.id}").status_code == 200
    assert "support_ticket.opened" in db.session.scalars(select(AuditEntry.action)).all()


def test_bad_ticket_forms_show_translated_field_errors_and_write_nothing(
    db, client, login, factories
):
    member = factories.member(language="es")
    login(member)
    cases = [
        ({"category": "nope", "subject": "S", "message": "M"}, "category"),
        ({"category": "other", "subject": "", "message": "M"}, "subject"),
        ({"category": "other", "subject": "x" * 121, "message": "M"}, "subject"),
        ({"category": "other", "subject": "S", "message": "   "}, "message"),
    ]
    for data, field in cases:
        response = post_form(client, "/app/support/new", data)
        assert response.status_code == 422, data
        assert field_error(response, field), data
    response = post_form(
        client,
        "/app/support/new",
        {
            "category": "other",
            "subject": "S",
            "message": "M",
            "photo": file_storage(pdf_bytes(), "a.pdf", "application/pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "JPEG" in field_error(response, "photo")
    spanish = post_form(
        client, "/app/support/new", {"category": "other", "subject": "", "message": "M"}
    )
    assert field_error(spanish, "subject") == "Escribe un asunto."
    assert _count(db, SupportTicket) == 0 and _count(db, TicketReply) == 0


def test_staff_reply_tells_the_member_and_notes_stay_internal(
    db, client, login, factories, ticket_of, news
):
    member, desk = factories.member(), factories.front_desk()
    ticket = ticket_of(member)
    login(desk)
    path = f"/admin/tickets/{ticket.id}"
    assert (
        post_form(
            client, f"{path}/reply", {"message": "SECRET NOTE", "internal": "y"}, token_from=path
        ).status_code
        == 303
    )
    assert news == []
    response = post_form(client, f"{path}/reply", {"message": "We are on it."}, token_from=path)
    assert response.status_code == 303
    [(event, said)] = news
    assert event == "ticket_replied"
    assert said["user_id"] == member.id
    assert said["link"].endswith(f"/app/support/{ticket.id}")
    ticket = _fresh(db, ticket)
    assert ticket.status == TicketStatus.WAITING
    assert "SECRET NOTE" in page_text(client.get(path))

    login(member)
    page = client.get(f"/app/support/{ticket.id}").get_data(as_text=True)
    assert "We are on it." in page and "SECRET NOTE" not in page
    post_form(client, f"/app/support/{ticket.id}", {"message": "Thanks"})
    ticket = _fresh(db, ticket)
    assert ticket.status == TicketStatus.OPEN


def test_status_moves_and_a_closed_ticket_stays_closed(db, client, login, factories, ticket_of):
    admin, member = factories.admin(), factories.member()
    ticket = ticket_of(member)
    login(admin)
    path = f"/admin/tickets/{ticket.id}"
    for status in ("waiting", "resolved", "closed"):
        assert (
            post_form(client, f"{path}/status", {"status": status}, token_from=path).status_code
            == 303
        )
    ticket = _fresh(db, ticket)
    assert ticket.status == TicketStatus.CLOSED
    response = post_form(client, f"{path}/status", {"status": "open"}, token_from=path)
    assert response.status_code == 422 and field_error(response, "status")
    response = post_form(client, f"{path}/status", {"status": "bogus"}, token_from=path)
    assert response.status_code == 422
    ticket = _fresh(db, ticket)
    assert ticket.status == TicketStatus.CLOSED
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert actions.count("support_ticket.status") == 3

    login(member)
    response = post_form(
        client, path.replace("/admin/tickets", "/app/support"), {"message": "Again"}
    )
    assert response.status_code == 422
    assert _count(db, TicketReply) == 1


def test_assign_accepts_staff_only(db, client, login, factories, ticket_of):
    admin, member, trainer = factories.admin(), factories.member(), factories.trainer()
    ticket = ticket_of(member)
    login(admin)
    path = f"/admin/tickets/{ticket.id}"
    for bad in (str(member.id), "x", "999999"):
        response = post_form(client, f"{path}/assign", {"assignee": bad}, token_from=path)
        assert response.status_code == 422, bad
    ticket = _fresh(db, ticket)
    assert ticket.assignee_id is None
    assert (
        post_form(
            client, f"{path}/assign", {"assignee": str(trainer.id)}, token_from=path
        ).status_code
        == 303
    )
    ticket = _fresh(db, ticket)
    assert ticket.assignee_id == trainer.id
    listed = page_text(client.get(f"/admin/tickets/?assignee={trainer.id}&status=open"))
    assert ticket.subject in listed
    assert ticket.subject not in page_text(client.get("/admin/tickets/?assignee=none"))


def test_another_members_ticket_and_photo_are_404_and_staff_pages_403(
    db, client, login, factories, ticket_of
):
    owner, other = factories.member(), factories.member()
    ticket = ticket_of(owner)
    reply = db.session.scalar(select(TicketReply))
    login(other)
    assert client.get(f"/app/support/{ticket.id}").status_code == 404
    assert (
        post_form(
            client, f"/app/support/{ticket.id}", {"message": "Hi"}, token_from="/app/support/"
        ).status_code
        == 404
    )
    assert client.get(f"/app/support/photos/{reply.id}").status_code == 404
    assert client.get("/admin/tickets/").status_code == 403
    assert client.get(f"/admin/tickets/{ticket.id}").status_code == 403
    assert _count(db, TicketReply) == 1


def test_open_ticket_counts(db, factories, ticket_of, app):
    member, admin = factories.member(), factories.admin()
    ticket_of(member)
    second, third = ticket_of(member), ticket_of(member)
    second.status, second.assignee_id = TicketStatus.WAITING, admin.id
    third.status = TicketStatus.CLOSED
    db.session.commit()
    assert open_ticket_counts() == {"open": 1, "waiting": 1, "unassigned": 1}


def _statements(db, client, path):
    with counting_statements(db.engine) as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def test_ticket_lists_run_a_fixed_number_of_queries(db, client, login, factories, ticket_of):
    admin, member = factories.admin(), factories.member()
    ticket_of(member)
    login(admin)
    few_staff = _statements(db, client, "/admin/tickets/")
    login(member)
    few_member = _statements(db, client, "/app/support/")
    for n in range(8):
        ticket_of(factories.member() if n % 2 else member, subject=f"Subject {n}")
    db.session.query(SupportTicket).update({"assignee_id": admin.id})
    db.session.commit()
    assert _statements(db, client, "/app/support/") == few_member
    login(admin)
    assert _statements(db, client, "/admin/tickets/") == few_staff


def test_staff_reply_is_recorded_for_the_member_but_a_note_is_not(
    db, client, login, factories, ticket_of
):
    from app.notifications.models import Notification

    member, desk = factories.member(language="es"), factories.front_desk()
    ticket = ticket_of(member, subject="Casillero")
    login(desk)
    path = f"/admin/tickets/{ticket.id}"
    post_form(client, f"{path}/reply", {"message": "SECRET", "internal": "y"}, token_from=path)
    assert db.session.scalars(select(Notification.event)).all() == []
    post_form(client, f"{path}/reply", {"message": "Ya quedó."}, token_from=path)
    [notification] = db.session.scalars(select(Notification)).all()
    assert (notification.event, notification.user_id) == ("ticket_replied", member.id)
    assert notification.params["ticket_subject"] == "Casillero"


def test_a_staff_reply_reaches_the_member_by_email(app, db, factories, ticket_of, smtp):
    from app.support.services import staff_reply

    member = factories.member(language="en")
    ticket = ticket_of(member, subject="Locker stuck")
    with app.test_request_context():
        staff_reply(ticket.id, factories.front_desk(), message="Fixed it, try again.")

    [(to, message)] = smtp.messages
    assert to == [member.email]
    assert "Locker stuck" in message.get_body(preferencelist=("plain",)).get_content()


def test_an_internal_note_emails_no_one(app, db, factories, ticket_of, smtp):
    from app.support.services import staff_reply

    ticket = ticket_of(factories.member())
    with app.test_request_context():
        staff_reply(ticket.id, factories.front_desk(), message="Call the locksmith.", internal=True)

    assert smtp.messages == []
