"""A trainer's clients: the list, one client's page and private notes.

Who sees what: a trainer sees only their own clients (anyone else's id is a
404), the desk and members get 403, and notes belong to the trainer who
wrote them.
"""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.attendance.services import check_in
from app.booking.services.bookings import book_now
from app.scheduling.services.sessions import create_session
from app.trainers.models import ClientAssignment, ClientNote
from app.trainers.services import NOTE_MAX
from tests.booking.conftest import NOW, Booker
from tests.conftest import post_form
from tests.queries import counting_statements


class Clients(Booker):
    """Trainers, their clients, and finished classes the clients came to or missed."""

    def assign(self, member, trainer):
        self.db.session.add(ClientAssignment(member_id=member.id, trainer_id=trainer.id))
        self.db.session.commit()

    def next_start(self) -> timedelta:
        """Two hours after the last class built: no trainer teaches two at once."""
        self.built = getattr(self, "built", 0) + 1
        return timedelta(hours=2 * self.built)

    def taught_by(self, trainer, starts_in):
        class_type = self.schedule.class_type(
            default_trainer_id=trainer.id, default_room_id=self.schedule.room(capacity=20).id
        )
        return create_session(
            {"class_type_id": class_type.id, "starts_at": NOW + starts_in, "capacity": 5},
            actor=self.schedule.admin(),
        )

    def history(self, member, trainer, *, came: int, missed: int):
        """Book `member` into came + missed classes of `trainer`, checking in to `came`."""
        admin = self.schedule.admin()
        bookings = [
            book_now(self.taught_by(trainer, self.next_start()).id, member, actor=admin)
            for _ in range(came + missed)
        ]
        for booking in bookings[:came]:
            self.clock(booking.session.starts_at)
            check_in(booking.id, actor=admin)
        self.clock(NOW)


@pytest.fixture
def gym(db, factories, schedule, clock, app_ctx):
    clock(NOW)
    gym = Clients(db, factories, schedule)
    gym.clock = clock
    return gym


@pytest.fixture
def coach(gym):
    return gym.factories.trainer_profile(name="Carla Coach")


@pytest.fixture
def rival(gym):
    return gym.factories.trainer_profile(name="Diego Díaz")


def post(client, path, data=None):
    return post_form(client, path, data, token_from="/trainer/clients/")


def _finish(clock):
    """Move past every class the builders made."""
    clock(NOW + timedelta(days=3))


def test_the_list_shows_only_the_trainers_own_clients_with_their_figures(
    gym, coach, rival, client, login, clock
):
    ana = gym.member(credits=3, name="Ana Alba")
    bea = gym.member(name="Bea Bravo")
    gym.assign(ana, coach)
    gym.assign(bea, rival)
    gym.history(ana, coach, came=1, missed=1)
    _finish(clock)
    login(coach.user)

    page = client.get("/trainer/clients/").get_data(as_text=True)

    assert "Ana Alba" in page and "Bea Bravo" not in page
    assert "1 credit" in page  # 3 bought, 2 spent
    assert "Attended 50%" in page and "1 no-show" in page
    assert "Last visit" in page


def test_search_narrows_the_list_by_name_email_or_phone(gym, coach, client, login):
    for name in ("Ana Alba", "Bea Bravo"):
        gym.assign(gym.member(name=name), coach)
    login(coach.user)

    page = client.get("/trainer/clients/?q=bravo").get_data(as_text=True)

    assert "Bea Bravo" in page and "Ana Alba" not in page
    assert "No client matches" in client.get("/trainer/clients/?q=zzz").get_data(as_text=True)


def test_the_client_page_shows_contact_plan_attendance_and_notes(gym, coach, client, login, clock):
    ana = gym.member(credits=2, name="Ana Alba", phone="+52 55 1234 5678")
    gym.assign(ana, coach)
    gym.history(ana, coach, came=1, missed=0)
    _finish(clock)
    login(coach.user)

    page = client.get(f"/trainer/clients/{ana.id}").get_data(as_text=True)

    assert ana.email in page and "+52 55 1234 5678" in page
    assert "Past classes" in page and "Private notes" in page


@pytest.mark.parametrize("whose", ["rival", "nobody"])
def test_anyone_but_own_clients_is_a_404(gym, coach, rival, client, login, whose):
    member = gym.member()
    if whose == "rival":
        gym.assign(member, rival)
    login(coach.user)

    assert client.get(f"/trainer/clients/{member.id}").status_code == 404
    assert post(client, f"/trainer/clients/{member.id}/notes", {"body": "x"}).status_code == 404


def test_the_desk_and_members_are_refused(gym, coach, client, login, factories):
    member = gym.member()
    gym.assign(member, coach)
    for person in (factories.front_desk(), factories.member()):
        login(person)
        assert client.get("/trainer/clients/").status_code == 403
        assert client.get(f"/trainer/clients/{member.id}").status_code == 403


def test_a_note_is_kept_shown_to_its_trainer_edited_and_deleted(gym, coach, client, login):
    ana = gym.member()
    gym.assign(ana, coach)
    login(coach.user)

    response = post(client, f"/trainer/clients/{ana.id}/notes", {"body": "Left knee: no jumps."})
    assert response.status_code == 302
    note = gym.db.session.scalar(select(ClientNote))
    assert (note.trainer_id, note.member_id, note.body) == (
        coach.id,
        ana.id,
        "Left knee: no jumps.",
    )
    assert "Left knee: no jumps." in client.get(f"/trainer/clients/{ana.id}").get_data(as_text=True)

    post(client, f"/trainer/clients/{ana.id}/notes/{note.id}", {"body": "Knee better."})
    assert gym.reload(ClientNote, note.id).body == "Knee better."

    post(client, f"/trainer/clients/{ana.id}/notes/{note.id}/delete")
    assert gym.db.session.scalar(select(ClientNote)) is None


@pytest.mark.parametrize(
    ("body", "message"),
    [("   ", "Write something first."), ("x" * (NOTE_MAX + 1), "characters")],
)
def test_an_empty_or_overlong_note_is_refused_and_nothing_is_written(
    gym, coach, client, login, body, message
):
    ana = gym.member()
    gym.assign(ana, coach)
    login(coach.user)

    response = post(client, f"/trainer/clients/{ana.id}/notes", {"body": body})

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert gym.db.session.scalar(select(ClientNote)) is None


def test_another_trainers_note_is_a_404_even_on_a_shared_client(gym, coach, rival, client, login):
    ana = gym.member()
    gym.assign(ana, rival)
    login(rival.user)
    post(client, f"/trainer/clients/{ana.id}/notes", {"body": "Rival's note"})
    note = gym.db.session.scalar(select(ClientNote))
    gym.db.session.delete(gym.db.session.get(ClientAssignment, ana.id))
    gym.db.session.commit()
    gym.assign(ana, coach)  # now the coach's client; the rival's note stays the rival's
    login(coach.user)

    assert "Rival's note" not in client.get(f"/trainer/clients/{ana.id}").get_data(as_text=True)
    url = f"/trainer/clients/{ana.id}/notes/{note.id}"
    assert post(client, url, {"body": "mine now"}).status_code == 404
    assert post(client, url + "/delete").status_code == 404
    assert gym.reload(ClientNote, note.id).body == "Rival's note"


def test_the_list_runs_the_same_statements_for_few_and_many_clients(
    gym, coach, client, login, clock, db
):
    def add_clients(count):
        for _ in range(count):
            member = gym.member(credits=2)
            gym.assign(member, coach)
            gym.history(member, coach, came=1, missed=1)

    add_clients(1)
    _finish(clock)
    login(coach.user)
    with counting_statements(db.engine) as few:
        assert client.get("/trainer/clients/").status_code == 200
    clock(NOW)
    add_clients(6)
    _finish(clock)
    with counting_statements(db.engine) as many:
        assert client.get("/trainer/clients/").status_code == 200

    assert len(many) == len(few)
