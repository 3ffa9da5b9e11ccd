"""``hub worker`` delivers the outbox; ``hub outbox`` shows it and retries failed messages."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import with_appcontext

from hub.outbox.models import MessageStatus


@click.command("worker")
@with_appcontext
@click.option("--once", is_flag=True, help="One pass over the due messages, then exit (cron, tests).")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between passes.")
def worker(once: bool, interval: float) -> None:
    """Deliver queued mail after its transaction committed, retrying failures with backoff."""
    from hub.outbox.delivery import deliver_due

    app = current_app._get_current_object()  # type: ignore[attr-defined]  # werkzeug LocalProxy method, untyped
    while True:
        report = deliver_due(app)
        if once or report.sent or report.retrying or report.failed:
            click.echo(f"Outbox: {report.sent} sent, {report.retrying} to retry, {report.failed} failed.")
        if once:
            return
        time.sleep(interval)


@click.group("outbox", invoke_without_command=True)
@click.option("--status", type=click.Choice([s.value for s in MessageStatus]), help="Only messages in this status.")
@click.option("--limit", default=50, show_default=True)
@click.pass_context
@with_appcontext
def outbox(ctx: click.Context, status: str | None, limit: int) -> None:
    """List the newest outbox messages with their status, attempts and last error."""
    if ctx.invoked_subcommand is not None:
        return
    from hub.db import get_session
    from hub.outbox import queries

    db = get_session()
    totals = queries.counts(db)
    click.echo(", ".join(f"{n} {s.value}" for s, n in totals.items()))
    for m in queries.messages(db, MessageStatus(status) if status else None, limit):
        click.echo(f"#{m.id} {m.status.value:8} attempts={m.attempts} {m.created_at:%Y-%m-%d %H:%M} "
                   f"to={m.recipient} subject={m.subject!r}")
        if m.last_error:
            click.echo(f"    last error: {m.last_error}")


@outbox.command("retry")
@click.argument("message_id", type=int)
@with_appcontext
def retry(message_id: int) -> None:
    """Give a failed message another round of attempts."""
    from hub.db import get_session, utcnow
    from hub.errors import DomainError
    from hub.outbox import services

    db = get_session()
    try:
        services.retry(db, message_id, utcnow())
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    db.commit()
    click.echo(f"Message {message_id} will be sent again.")
