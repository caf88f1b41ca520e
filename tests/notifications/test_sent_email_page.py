"""The Sent emails page: the text is readable and the HTML is shown sandboxed."""

import re
from html import unescape
from pathlib import Path

from app.notifications.models import SentEmail
from tests.accounts.support import emails_to, temporary_password_in, user_by_email
from tests.conftest import post_form

CSS = Path(__file__).parents[2] / "static" / "css" / "app.css"


def _text_block(page: str) -> tuple[str, str]:
    match = re.search(r'<pre class="([^"]*)" data-testid="email-body">(.*?)</pre>', page, re.S)
    assert match, "no plain-text body on the page"
    return match.group(1), unescape(match.group(2))


def test_temporary_password_is_readable_under_sent_emails(client, db, factories, login, outbox):
    login(factories.admin())
    post_form(
        client,
        "/admin/users/new",
        {"name": "Ana", "email": "ana@example.com", "role": "member", "language": "en"},
    )
    [email] = emails_to(db, user_by_email(db, "ana@example.com"), "temporary_password")
    password = temporary_password_in(outbox[0].body)

    page = client.get(f"/admin/emails/{email.id}").get_data(as_text=True)

    classes, text = _text_block(page)
    assert password in text
    # Tabler's <pre> is light text; a light background under it hid the text
    assert "bg-light" not in classes and "email-body" in classes
    rule = re.search(r"pre\.email-body\s*{([^}]*)}", CSS.read_text())
    assert rule and "color: var(--tblr-body-color)" in rule.group(1)


def test_html_version_is_sandboxed_not_injected(client, db, factories, login):
    admin = factories.admin()
    login(admin)
    email = SentEmail(
        key="k-html",
        to="x@example.com",
        language="en",
        template="booking_confirmed",
        subject="Hi",
        body_text="Plain words",
        body_html='<p class="evil">Hello</p><script>alert("owned")</script>',
    )
    db.session.add(email)
    db.session.commit()

    page = client.get(f"/admin/emails/{email.id}").get_data(as_text=True)

    assert "<script>alert" not in page and '<p class="evil">' not in page
    frame = re.search(r"<iframe[^>]*>", page).group(0)
    assert 'sandbox=""' in frame
    srcdoc = re.search(r'srcdoc="([^"]*)"', frame).group(1)
    assert unescape(srcdoc) == email.body_html
