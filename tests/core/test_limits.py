"""Every request that changes something is rate limited: a default per user
(per IP before sign-in) on every route, tighter limits where a burst costs more."""

import itertools

import pytest

from app.core.limits import WRITE_METHODS
from app.extensions import limiter
from tests.conftest import csrf_token

#: state-changing routes with no limit at all, each with the reason; keep it short
EXEMPT: dict[str, str] = {}

#: routes whose writes take their own limit instead of the default, and its setting
#: (tighter where a burst costs more; looser only for the check-in scanner)
NAMED = {
    "scanner.scan": "SCAN_LIMIT",
    "accounts.login": "LOGIN_LIMIT_PER_IP",
    "accounts.forgot_password": "RESET_LIMIT",
    "accounts.reset_password": "RESET_LIMIT",
    "accounts.change_password": "PASSWORD_CHANGE_LIMIT",
    "users_admin.create": "USER_CREATION_LIMIT",
    "trainers_admin.create": "USER_CREATION_LIMIT",
    "booking.join_waitlist": "WAITLIST_LIMIT",
    "messaging_member.new": "MESSAGE_LIMIT",
    "messaging_member.thread": "MESSAGE_LIMIT",
    "messaging_trainer.new": "MESSAGE_LIMIT",
    "messaging_trainer.thread": "MESSAGE_LIMIT",
    "billing_online.buy": "ORDER_LIMIT",
    "billing_online.sandbox_checkout": "CARD_ATTEMPT_LIMIT",
    "billing_online.webhook": "WEBHOOK_REFUSAL_LIMIT",
    "billing_profiles.member_edit": "BILLING_DETAILS_LIMIT",
    "billing_profiles.desk_edit": "BILLING_DETAILS_LIMIT",
    "billing_desk.new_payment": "DESK_PAYMENT_LIMIT",
    "leads_public.join": "LEAD_LIMIT",
    "members.photo": "UPLOAD_LIMIT",
    "member_photos.change": "UPLOAD_LIMIT",
    "settings.logo": "UPLOAD_LIMIT",
    "trainer_profile.photo": "UPLOAD_LIMIT",
    "trainer_profile.add_certification": "UPLOAD_LIMIT",
    "trainers_admin.photo": "UPLOAD_LIMIT",
    "trainers_admin.add_certification": "UPLOAD_LIMIT",
}


def limits_on(app, endpoint: str, method: str) -> list[str]:
    """The limits Flask-Limiter would count for `method` on `endpoint`."""
    blueprint = endpoint.rpartition(".")[0] or None
    with app.test_request_context("/", method=method):
        resolved = limiter.limit_manager.resolve_limits(app, endpoint, blueprint)
        return [
            str(limit.limit)
            for limit in itertools.chain(*resolved)
            if not limit.is_exempt and not limit.method_exempt
        ]


def writes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(set(WRITE_METHODS) & rule.methods):
            yield rule.endpoint, method


def test_every_state_changing_route_has_a_limit(app):
    unlimited = [
        f"{method} {endpoint}"
        for endpoint, method in writes(app)
        if endpoint not in EXEMPT and not limits_on(app, endpoint, method)
    ]

    assert unlimited == []


def test_exempt_routes_still_exist_and_take_writes(app):
    assert set(EXEMPT) <= {endpoint for endpoint, _ in writes(app)}


def test_reads_are_never_counted_by_the_default(app):
    assert limits_on(app, "booking.book", "GET") == []
    assert limits_on(app, "public.index", "GET") == []


@pytest.mark.parametrize(("endpoint", "setting"), sorted(NAMED.items()))
def test_named_routes_take_their_own_limit_instead_of_the_default(app, endpoint, setting):
    from limits import parse_many

    expected = {str(limit) for limit in parse_many(app.config[setting])}
    default = {str(limit) for limit in parse_many(app.config["RATELIMIT_DEFAULT_POST"])}

    counted = set(limits_on(app, endpoint, "POST"))

    assert expected <= counted
    assert not default & counted - expected


def test_the_default_is_generous_and_set_in_the_config(app):
    assert app.config["RATELIMIT_DEFAULT_POST"] == "60 per minute"


def post_language(client, ip="203.0.113.20"):
    return client.post(
        "/language",
        data={"language": "en", "csrf_token": csrf_token(client, "/password/forgot")},
        environ_base={"REMOTE_ADDR": ip},
    )


def test_default_limit_refuses_a_signed_in_users_writes_past_it(
    app, client, login, factories, monkeypatch
):
    monkeypatch.setitem(app.config, "RATELIMIT_DEFAULT_POST", "2 per minute")
    login(factories.member())

    answers = [post_language(client).status_code for _ in range(3)]

    assert answers == [302, 302, 429]
    assert client.get("/app/profile").status_code == 200  # reading is never limited


def test_default_limit_counts_each_signed_in_user_alone_from_one_ip(
    app, client, login, factories, monkeypatch
):
    monkeypatch.setitem(app.config, "RATELIMIT_DEFAULT_POST", "2 per minute")
    login(factories.member())
    for _ in range(2):
        post_language(client)

    login(factories.member())

    assert post_language(client).status_code == 302


def test_default_limit_counts_by_ip_before_sign_in(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_DEFAULT_POST", "2 per minute")
    for _ in range(2):
        post_language(client)

    assert post_language(client).status_code == 429
    assert post_language(client, ip="198.51.100.7").status_code == 302
