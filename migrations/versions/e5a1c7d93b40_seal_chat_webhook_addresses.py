"""chat: webhook addresses sealed at rest; outbox messages name their webhook, not its address

chat_webhook.url (plain) becomes chat_webhook.sealed_url (hub.lib.sealed, a key derived from
SECRET_KEY); outbox_message.url becomes outbox_message.target ("chat:12"), the address being
looked up at delivery. ``hub migrate`` hands the app to Alembic, so existing addresses are sealed
here with its SECRET_KEY. Run without the app (bare ``alembic``), they stay plain for now and hub
seals each on its first delivery (hub.chat.services.address).

Revision ID: e5a1c7d93b40
Revises: c3f8a2d5e7b1
Create Date: 2026-11-29 17:50:00
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

revision = "e5a1c7d93b40"
down_revision = "c3f8a2d5e7b1"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

webhook = sa.table("chat_webhook", sa.column("id", sa.Integer), sa.column("name", sa.String),
                   sa.column("url", sa.Text), sa.column("sealed_url", sa.Text))
message = sa.table("outbox_message", sa.column("id", sa.Integer), sa.column("kind", sa.String),
                   sa.column("status", sa.String), sa.column("url", sa.Text), sa.column("target", sa.String),
                   sa.column("last_error", sa.Text))


def _keys() -> tuple[str, ...] | None:
    """The app's SECRET_KEY and SECRET_KEY_FALLBACKS, when ``hub migrate`` runs this."""
    app = op.get_context().config.attributes.get("hub_app") if op.get_context().config is not None else None
    if app is None:
        return None
    from hub.lib.sealed import config_keys

    return config_keys(app.config)


def upgrade() -> None:
    with op.batch_alter_table("chat_webhook") as batch:
        batch.add_column(sa.Column("sealed_url", sa.Text(), nullable=True))
    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(sa.Column("target", sa.String(length=120), nullable=True))

    conn = op.get_bind()
    keys = _keys()
    if keys is None:
        log.warning("No app configuration: chat webhook addresses stay plain until hub delivers to them.")
    from hub.lib.sealed import seal

    ids_by_url: dict[str, int] = {}
    for row in conn.execute(sa.select(webhook.c.id, webhook.c.url)).all():
        ids_by_url.setdefault(row.url, row.id)
        sealed = seal(row.url, keys) if keys is not None else row.url
        conn.execute(webhook.update().where(webhook.c.id == row.id).values(sealed_url=sealed))
    for row in conn.execute(sa.select(message.c.id, message.c.url, message.c.status)
                            .where(message.c.kind == "webhook", message.c.url.is_not(None))).all():
        found = ids_by_url.get(row.url)
        if found is not None:
            conn.execute(message.update().where(message.c.id == row.id).values(target=f"chat:{found}"))
        elif row.status in ("pending", "sending"):
            conn.execute(message.update().where(message.c.id == row.id)
                         .values(status="failed", last_error="The chat channel was removed."))

    with op.batch_alter_table("chat_webhook") as batch:
        batch.alter_column("sealed_url", existing_type=sa.Text(), nullable=False)
        batch.drop_column("url")
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_column("url")


def downgrade() -> None:
    with op.batch_alter_table("chat_webhook") as batch:
        batch.add_column(sa.Column("url", sa.Text(), nullable=True))
    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(sa.Column("url", sa.Text(), nullable=True))

    conn = op.get_bind()
    rows = conn.execute(sa.select(webhook.c.id, webhook.c.name, webhook.c.sealed_url)).all()
    keys = _keys()
    from hub.lib.sealed import Unsealable, is_sealed, unseal

    plain_by_id: dict[int, str] = {}
    for row in rows:
        if not is_sealed(row.sealed_url):
            plain_by_id[row.id] = row.sealed_url
            continue
        if keys is None:
            raise RuntimeError("Unsealing chat webhook addresses needs the app's SECRET_KEY: run `hub migrate`.")
        try:
            plain_by_id[row.id] = unseal(row.sealed_url, keys)
        except Unsealable:
            raise RuntimeError(f"The webhook address of chat channel {row.name} cannot be unsealed with SECRET_KEY "
                               "or SECRET_KEY_FALLBACKS; remove the channel or restore the key first.") from None
    for webhook_id, plain in plain_by_id.items():
        conn.execute(webhook.update().where(webhook.c.id == webhook_id).values(url=plain))
    for row in conn.execute(sa.select(message.c.id, message.c.target, message.c.status)
                            .where(message.c.kind == "webhook", message.c.target.is_not(None),
                                   message.c.status != "sent")).all():
        found = row.target.removeprefix("chat:")
        if found.isdigit() and int(found) in plain_by_id:
            conn.execute(message.update().where(message.c.id == row.id).values(url=plain_by_id[int(found)]))

    with op.batch_alter_table("chat_webhook") as batch:
        batch.alter_column("url", existing_type=sa.Text(), nullable=False)
        batch.drop_column("sealed_url")
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_column("target")
