"""Lighthouse 12.2.3 on the member home (/app/), signed in: its accessibility
score is 100 and the installability audits it still has pass, for the demo
member (Spanish) on a 375 px phone and on a desktop, and for a member who
reads English on the phone. How it runs: tests/e2e/lighthouse.py.
"""

from contextlib import ExitStack

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.core.roles import Role
from app.extensions import db
from tests.e2e import lighthouse
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.support import sign_in

pytestmark = pytest.mark.e2e

MEMBER = "member1@cupo.demo"
# run id -> (who signs in: MEMBER, or "english" for the first member who reads English, phone?)
RUNS = {
    "phone": (MEMBER, True),
    "desktop": (MEMBER, False),
    "phone-english": ("english", True),
}


@pytest.fixture(scope="session")
def lighthouse_cli():
    """Lighthouse, or the skip (before any browser or server starts)."""
    return lighthouse.require_cli()


@pytest.fixture(scope="module")
def devtools_port(lighthouse_cli, playwright, live_app, live_server, tmp_path_factory):
    """devtools_port(who): the DevTools port of a Chromium where `who` is
    signed in (one browser per person, for the module)."""
    ports = {}
    with ExitStack() as browsers:

        def port(who: str) -> int:
            if who not in ports:
                email = who if who != "english" else _english_member(live_app)
                profile = tmp_path_factory.mktemp("lighthouse") / "profile"
                ports[who] = browsers.enter_context(
                    lighthouse.signed_in_browser(
                        playwright, live_server, profile, lambda page: sign_in(page, email)
                    )
                )
            return ports[who]

        yield port


def _english_member(live_app) -> str:
    with live_app.app_context():
        email = db.session.scalar(
            select(User.email)
            .where(User.role == Role.MEMBER, User.language == "en", User.deleted_at.is_(None))
            .order_by(User.id)
            .limit(1)
        )
        db.session.remove()
    assert email, "the demo gym has no member who reads English"
    return email


@pytest.fixture(scope="module", params=list(RUNS))
def report(request, devtools_port, live_server):
    """Lighthouse's report of the member home, kept in test-artifacts/e2e/."""
    who, phone = RUNS[request.param]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    output = ARTIFACTS / f"lighthouse-member-home-{request.param}.json"
    url = f"{live_server}/app/"
    report = lighthouse.run(url, devtools_port(who), output, mobile=phone)
    assert report["lighthouseVersion"] == lighthouse.VERSION
    assert not report.get("runtimeError"), report["runtimeError"]
    # still the member's page: an expired session would audit the sign-in form
    assert report["finalDisplayedUrl"] == url, report["finalDisplayedUrl"]
    return report


def test_the_member_home_scores_100_for_accessibility(report):
    failures = "\n".join(lighthouse.accessibility_failures(report))
    assert lighthouse.accessibility_score(report) == 1, f"failing audits:\n{failures}"


def test_the_installability_audits_lighthouse_still_has_pass_on_the_member_home(report):
    assert lighthouse.installability_failures(report) == []


# --- reading a report: what a failure says (no browser needed) -----------------------


def _report(**audits) -> dict:
    """A report of the shape Lighthouse 12 writes, with these audits."""
    passing = {"score": 1, "scoreDisplayMode": "binary"}
    audits = {
        "viewport": {"id": "viewport", "score": 1, "scoreDisplayMode": "metricSavings"},
        "is-on-https": {"id": "is-on-https", **passing},
        "redirects-http": {
            "id": "redirects-http",
            "score": None,
            "scoreDisplayMode": "notApplicable",
        },
        "image-alt": {"id": "image-alt", "title": "Images have alt", **passing},
        "focus-traps": {"id": "focus-traps", "score": None, "scoreDisplayMode": "manual"},
    } | audits
    refs = [{"id": key} for key in audits if key not in lighthouse.INSTALLABILITY_AUDITS]
    return {"audits": audits, "categories": {"accessibility": {"score": 1, "auditRefs": refs}}}


def test_a_passing_report_lists_no_failures():
    report = _report()

    assert lighthouse.accessibility_failures(report) == []
    assert lighthouse.installability_failures(report) == []


def test_a_failing_accessibility_audit_names_the_elements_and_why():
    contrast = {
        "id": "color-contrast",
        "title": "Background and foreground colors do not have a sufficient contrast ratio.",
        "score": 0,
        "scoreDisplayMode": "binary",
        "details": {
            "items": [
                {
                    "node": {
                        "selector": "main > p.text-muted",
                        "snippet": '<p class="text-muted">',
                        "explanation": "Fix any of the following:\n  Element has insufficient "
                        "color contrast of 3.2 (foreground color: #929dab)",
                    }
                }
            ]
        },
    }

    failures = lighthouse.accessibility_failures(_report(**{"color-contrast": contrast}))

    assert failures == [
        "color-contrast (Background and foreground colors do not have a sufficient contrast "
        "ratio.): score 0, binary\n"
        '    main > p.text-muted: <p class="text-muted"> (Fix any of the following: Element has '
        "insufficient color contrast of 3.2 (foreground color: #929dab))"
    ]


def test_an_accessibility_audit_that_errored_is_a_failure():
    broken = {"id": "label", "score": None, "scoreDisplayMode": "error", "errorMessage": "axe died"}

    failures = lighthouse.accessibility_failures(_report(label=broken))

    assert failures == ["label: score None, error - axe died"]


def test_a_failing_missing_or_unexplained_inapplicable_installability_audit_is_a_failure():
    report = _report(
        viewport={
            "id": "viewport",
            "title": "No viewport",
            "score": 0,
            "scoreDisplayMode": "binary",
        },
        **{
            "is-on-https": {"id": "is-on-https", "score": None, "scoreDisplayMode": "notApplicable"}
        },
    )
    del report["audits"]["redirects-http"]

    assert lighthouse.installability_failures(report) == [
        "viewport (No viewport): score 0, binary",
        "is-on-https: score None, notApplicable",
        "redirects-http: not in the report (not run)",
    ]
