"""Incidents: reporting each kind, bad input, who sees client incidents,
resolving, and the list's bounded queries."""

from sqlalchemy import func, select

from app.support.models import Incident, IncidentKind
from tests.accounts.support import field_error, page_text
from tests.conftest import post_form
from tests.queries import counting_statements


def _count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Incident))


def test_trainer_reports_broken_equipment_out_of_service(db, client, login, factories):
    trainer = factories.trainer()
    login(trainer)
    response = post_form(
        client,
        "/trainer/incidents/new",
        {
            "kind": "equipment",
            "severity": "high",
            "description": "Belt torn",
            "equipment_name": "Treadmill 2",
            "out_of_service": "y",
        },
    )
    incident = db.session.scalar(select(Incident))
    assert response.status_code == 303
    assert (incident.kind, incident.equipment_name, incident.out_of_service) == (
        IncidentKind.EQUIPMENT,
        "Treadmill 2",
        True,
    )
    assert "Treadmill 2" in page_text(client.get("/trainer/incidents/"))


def test_bad_incident_forms_show_field_errors_and_write_nothing(db, client, login, factories):
    trainer, other_trainer = factories.trainer(language="es"), factories.trainer()
    login(trainer)
    base = {"kind": "equipment", "severity": "low", "description": "x", "equipment_name": "Bike"}
    cases = [
        ({**base, "kind": "fire"}, "kind"),
        ({**base, "severity": "huge"}, "severity"),
        ({**base, "description": "  "}, "description"),
        ({**base, "equipment_name": ""}, "equipment_name"),
        ({**base, "kind": "client", "member_id": ""}, "member_id"),
        ({**base, "kind": "client", "member_id": "abc"}, "member_id"),
        ({**base, "kind": "client", "member_id": str(other_trainer.id)}, "member_id"),
        ({**base, "kind": "client", "member_id": "1", "session_id": "x"}, "session_id"),
    ]
    for data, field in cases:
        response = post_form(client, "/trainer/incidents/new", data)
        assert response.status_code == 422, data
        assert field_error(response, field), data
    response = post_form(client, "/trainer/incidents/new", {**base, "equipment_name": ""})
    assert field_error(response, "equipment_name") == "Indica el equipo."
    assert _count(db) == 0


def test_client_incidents_are_for_admins_and_the_reporter(db, client, login, factories):
    reporter, other, desk, admin = (
        factories.trainer(),
        factories.trainer(),
        factories.front_desk(),
        factories.admin(),
    )
    member = factories.member()
    login(reporter)
    post_form(
        client,
        "/trainer/incidents/new",
        {
            "kind": "client",
            "severity": "medium",
            "description": "Dizzy after class",
            "member_id": str(member.id),
            "first_aid": "y",
        },
    )
    incident = db.session.scalar(select(Incident))
    assert incident.first_aid and incident.member_id == member.id
    assert client.get(f"/trainer/incidents/{incident.id}").status_code == 200

    login(other)
    assert client.get(f"/trainer/incidents/{incident.id}").status_code == 404
    assert "Dizzy" not in page_text(client.get("/trainer/incidents/"))
    login(desk)
    assert client.get(f"/admin/incidents/{incident.id}").status_code == 404
    assert "Dizzy" not in page_text(client.get("/admin/incidents/"))
    path = f"/admin/incidents/{incident.id}/resolve"
    response = post_form(client, path, {"resolution": "x"}, token_from="/admin/incidents/")
    assert response.status_code == 404
    login(member)
    assert client.get("/admin/incidents/").status_code == 403

    login(admin)
    page = f"/admin/incidents/{incident.id}"
    assert "Dizzy" in page_text(client.get(page))
    response = post_form(client, f"{page}/resolve", {"resolution": ""}, token_from=page)
    assert response.status_code == 422 and field_error(response, "resolution")
    response = post_form(client, f"{page}/resolve", {"resolution": "Called home"}, token_from=page)
    assert response.status_code == 303
    response = post_form(client, f"{page}/assign", {"assignee": str(desk.id)}, token_from=page)
    assert response.status_code == 303
    db.session.expire_all()
    incident = db.session.get(Incident, incident.id)
    assert (incident.resolution, incident.assignee_id) == ("Called home", desk.id)


def _statements(db, client, path):
    with counting_statements(db.engine) as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def test_incident_list_runs_a_fixed_number_of_queries(app, db, client, login, factories):
    from app.support.services import report_incident

    admin, trainer = factories.admin(), factories.trainer()

    def add(n):
        for i in range(n):
            report_incident(
                trainer,
                kind="client",
                severity="low",
                description=f"n{i}",
                member_id=factories.member().id,
            )

    add(1)
    login(admin)
    few = _statements(db, client, "/admin/incidents/")
    add(8)
    assert _statements(db, client, "/admin/incidents/") == few
