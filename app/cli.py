"""Command-line tools: `flask seed demo`, `flask users create-admin`,
`flask audit verify`, `flask audit seal`, `flask jobs sweep`, `flask credits check`,
`flask push keys`."""

import click
from flask.cli import AppGroup

seed_cli = AppGroup("seed", help="Load data.")
users_cli = AppGroup("users", help="Manage accounts.")
audit_cli = AppGroup("audit", help="Check the audit log.")
jobs_cli = AppGroup("jobs", help="Background jobs.")
credits_cli = AppGroup("credits", help="Check the credit ledger.")
push_cli = AppGroup("push", help="Web Push.")


@push_cli.command("keys")
def push_keys_command():
    """Print a new VAPID key pair for production's environment."""
    from app.config import new_vapid_private_key, vapid_public_key_of

    private = new_vapid_private_key()
    click.echo(f"VAPID_PRIVATE_KEY={private}")
    click.echo(f"VAPID_PUBLIC_KEY={vapid_public_key_of(private)}")


@seed_cli.command("demo")
def seed_demo_command():
    """Load the demo gym when the database is empty; print the logins."""
    from app.demo import DEMO_PASSWORD, demo_logins, seed_demo

    if seed_demo():
        click.echo("Demo data loaded.")
    else:
        click.echo("The database already has users; demo data not loaded.")
    click.echo(f"Demo logins (password: {DEMO_PASSWORD}):")
    for label, email in demo_logins():
        click.echo(f"  {label:<11} {email}")


@users_cli.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.password_option()
def create_admin_command(email, name, password):
    """Create the first admin of a real install."""
    from app.accounts.services.accounts import create_admin
    from app.core.errors import DomainError

    try:
        user = create_admin(email=email, name=name, password=password)
    except DomainError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Admin {user.email} created.")


@audit_cli.command("verify")
@click.option(
    "--head",
    "head",
    metavar="SEQ:LINK",
    help="A head an earlier seal wrote to the log; the entry at SEQ must still carry LINK.",
)
def audit_verify_command(head):
    """Seal what has committed, then check every MAC and link; exit 1 on any break."""
    from app.core.audit import problems

    anchor = None
    if head:
        seq, _, link = head.partition(":")
        if not seq.isdigit() or len(link) != 64:
            raise click.BadParameter("expected SEQ:LINK, as the seal's log line prints it")
        anchor = (int(seq), link)
    found = problems(head=anchor)
    if not found:
        click.echo("Audit chain intact.")
        return
    for problem in found[:50]:
        where = f"entry {problem.id} ({problem.action})" if problem.id else "the end of the log"
        click.echo(f"Audit chain broken at {where}: {problem.reason}.", err=True)
    if len(found) > 50:
        click.echo(f"... and {len(found) - 50} more.", err=True)
    click.echo(f"{len(found)} broken place(s).", err=True)
    raise SystemExit(1)


@audit_cli.command("seal")
def audit_seal_command():
    """Link the entries committed since the last seal into the chain."""
    from app.core.audit import seal

    click.echo(f"Sealed {seal()} audit entries.")


@jobs_cli.command("sweep")
def jobs_sweep_command():
    """Re-dispatch outbox jobs that were never confirmed."""
    from app.core.jobs import sweep_outbox

    click.echo(f"{sweep_outbox()} job(s) re-dispatched.")


@credits_cli.command("check")
def credits_check_command():
    """Verify the credit ledger; print every breach and exit 1 if there is one."""
    from app.memberships.ledger import check_ledger

    breaches = check_ledger()
    if not breaches:
        click.echo("Ledger clean.")
        return
    for breach in breaches:
        click.echo(str(breach))
    click.echo(f"{len(breaches)} breach(es) found.")
    raise SystemExit(1)


def register_cli(app) -> None:
    for group in (seed_cli, users_cli, audit_cli, jobs_cli, credits_cli, push_cli):
        app.cli.add_command(group)
