"""The ``hub`` command line: thin click commands over the services."""

from __future__ import annotations

from urllib.parse import urlsplit

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from hub.auth.models import Role


def main() -> None:
    """Entry point of the ``hub`` script."""
    from hub import create_app

    FlaskGroup(create_app=create_app, help="hub: employee advocacy content hub.")(prog_name="hub")


def init_app(app: Flask) -> None:
    from hub.chat.cli import chat
    from hub.outbox.cli import outbox, worker

    for command in (migrate, db_revision, seed, create_user, publish_due, flush_clicks, send_digests, about,
                    worker, outbox, chat):
        app.cli.add_command(command)


@click.command("migrate")
@with_appcontext
@click.option("--revision", default="head", show_default=True)
def migrate(revision: str) -> None:
    """Apply database migrations (creates the SQLite file on first run)."""
    from hub.migrate import upgrade

    upgrade(current_app, revision)
    click.echo(f"Database at {revision}.")


@click.command("db-revision")
@with_appcontext
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    """Autogenerate a migration from the models (review it before committing)."""
    from alembic import command

    from hub.migrate import alembic_config

    command.revision(alembic_config(current_app), message=message, autogenerate=True)


@click.command("seed")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has people.")
def seed(if_empty: bool) -> None:
    """Load demo people and posts (sign in as admin@example.com / demo-password)."""
    from hub.db import get_session
    from hub.demo import has_people, seed_demo

    db = get_session()
    if if_empty and has_people(db):
        click.echo("Demo data: skipped, the database already has people.")
        return
    seed_demo(db)
    db.commit()
    click.echo("Demo data loaded.")


@click.command("create-user")
@with_appcontext
@click.argument("email")
@click.option("--name", default="", help="Display name.")
@click.option("--role", type=click.Choice([r.value for r in Role]), default="employee", show_default=True)
@click.password_option()
def create_user(email: str, name: str, role: str, password: str) -> None:
    """Create an account with a role."""
    from hub.auth.services import create_user as create
    from hub.db import get_session
    from hub.errors import ValidationError

    db = get_session()
    try:
        user = create(db, email=email, password=password, display_name=name or email.split("@")[0], role=Role(role))
    except ValidationError as exc:
        raise click.ClickException(exc.message) from None
    db.commit()
    click.echo(f"Created {user.email} ({user.role.value}).")


@click.command("publish-due")
@with_appcontext
def publish_due() -> None:
    """Publish scheduled posts whose time has come (run from cron every minute)."""
    from hub.db import get_session
    from hub.posts.services import publish_due as publish

    db = get_session()
    ids = publish(db)
    db.commit()
    click.echo(f"Published {len(ids)} scheduled post(s).")


@click.command("flush-clicks")
@with_appcontext
def flush_clicks() -> None:
    """Move clicks waiting in this machine's click logs (also of stopped workers), and in the Redis
    stream with CLICK_SINK = "redis", into the database."""
    from hub.sharing.clicklog import ClickIngestError

    try:
        count = current_app.extensions["hub.clicklog"].flush_all()
    except ClickIngestError as exc:
        raise click.ClickException(f"{exc} (details in the log; nothing was lost, run it again)") from exc
    click.echo(f"Flushed {count} click(s).")


@click.command("send-digests")
@with_appcontext
def send_digests() -> None:
    """E-mail each person who asked for the digest their unread notifications (run daily from cron)."""
    from flask import url_for

    from hub.db import get_session, utcnow
    from hub.i18n import in_language, language_for
    from hub.notifications import queries, services
    from hub.notifications.views import notification_url
    from hub.outbox.delivery import deliver_due
    from hub.outbox.services import queue_mail

    db, cfg, now, sent = get_session(), current_app.config, utcnow(), 0
    with current_app.test_request_context(base_url=cfg["BASE_URL"]):  # for url_for outside a request
        for person, items in queries.digests_due(db, now):
            with in_language(language_for(person)):  # each digest in its reader's language
                subject, body = queries.digest_text(
                    person,
                    items,
                    site_name=cfg["SITE_NAME"],
                    profile_url=cfg["BASE_URL"] + url_for("auth.profile"),
                    link=lambda n: cfg["BASE_URL"] + notification_url(n),
                )
            queue_mail(db, to=person.email, subject=subject, body=body)  # queued and marked sent together
            services.set_digest_sent(db, person, now)
            sent += 1
    db.commit()
    click.echo(f"Sent {sent} digest(s).")
    report = deliver_due(current_app._get_current_object())  # type: ignore[attr-defined]  # werkzeug LocalProxy method, untyped
    click.echo(f"Outbox: {report.sent} sent, {report.retrying} to retry, {report.failed} failed.")


@click.command("about")
@with_appcontext
@click.option("--port", default=5000)
def about(port: int) -> None:
    """Print where hub is served and the demo sign-ins."""
    from hub.demo import DEMO_PASSWORD, DEMO_PEOPLE

    click.echo("")
    click.echo(f"  hub is starting on http://127.0.0.1:{port}")
    base_url = current_app.config["BASE_URL"]
    click.echo(f"  public address (share links, feeds, e-mails): {base_url}")
    if urlsplit(base_url).hostname in ("127.0.0.1", "localhost") and urlsplit(base_url).port != port:
        click.echo(f"  warning: HUB_BASE_URL points at port {urlsplit(base_url).port}, not {port}: links would be dead")
    click.echo(f"  database: {current_app.config['DATABASE_URL']}")
    click.echo(f"  e-mails without SMTP go to: {current_app.instance_path}/outbox/")
    click.echo(f"  demo sign-ins (password for all: {DEMO_PASSWORD}):")
    for email, _name, _title, role in DEMO_PEOPLE:
        click.echo(f"    {email:28} {role.value}")
    click.echo("")
