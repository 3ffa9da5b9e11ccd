"""``hub chat digest``: the weekly digest to the chat channels that asked for it (cron, weekly);
``hub chat reseal``: webhook addresses sealed again with the current SECRET_KEY after a rotation."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.group("chat")
def chat() -> None:
    """Slack and Teams channels."""


@chat.command("digest")
@click.option("--force", is_flag=True, help="Send even to channels that had a digest in the last six days.")
@with_appcontext
def digest(force: bool) -> None:
    """Queue the digest of the last seven days' posts for every channel that asked for it; the outbox
    (hub worker, or the web's courier) delivers it."""
    from hub.chat import services
    from hub.db import get_session

    db = get_session()
    report = services.send_digests(db, force=force)
    db.commit()
    if not report.posts:
        click.echo("No posts were published in the last seven days: no digest sent.")
        return
    click.echo(f"{report.posts} posts; digest queued for {len(report.sent)} channel(s)"
               + (f": {', '.join(report.sent)}" if report.sent else "") + ".")
    if report.skipped:
        click.echo(f"Skipped (had one in the last six days): {', '.join(report.skipped)}.")


@chat.command("reseal")
@with_appcontext
def reseal() -> None:
    """Seal every webhook address again with SECRET_KEY (after rotating it, with the old key in
    SECRET_KEY_FALLBACKS); afterwards the old key can be dropped from the fallbacks."""
    from hub.chat import services
    from hub.db import get_session

    db = get_session()
    report = services.reseal_all(db)
    db.commit()
    click.echo(f"{len(report.resealed)} address(es) sealed again with SECRET_KEY"
               + (f": {', '.join(report.resealed)}" if report.resealed else "") + ".")
    if report.unreadable:
        click.echo(f"No key opens the address of: {', '.join(report.unreadable)}; paste it again at /admin/chat.")
