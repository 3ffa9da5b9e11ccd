"""A click's link, held by the database once per statement rather than once per row.

``click.link_id`` used to be a foreign key. On PostgreSQL a foreign key is checked by a trigger
fired for every inserted row (one look-up and one row lock per click): two thirds of the time
of the click flush's ``COPY`` (about 12 of 18 µs a click, measured at 100,000 clicks stored).
The same rules are kept here by triggers that see a whole statement:

- **a click's link exists**: after an insert (or an update) of clicks, the links they name are
  locked ``FOR KEY SHARE``, as the foreign key's check locks each one (a concurrent delete of a
  link waits for the inserting transaction), and if any is missing the statement fails with
  ``foreign_key_violation``, which SQLAlchemy raises as ``IntegrityError``, as before;
- **deleting a link deletes its clicks** (the foreign key's ``ON DELETE CASCADE``), also when the
  link goes with its post or library item through their own cascades.

PostgreSQL runs each rule once per statement over its transition table (one join for a
20,000-click ``COPY``). SQLite has no statement-level triggers; its row triggers cost what its
foreign key did (an in-process index probe), so it gets the same rules per row.

The DDL is created by the migration that dropped the foreign key and, for ``create_all`` (tests,
first start), by the metadata events below. A share link's ``id`` is its primary key and never
changes, so no rule watches updates of it.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

_PG_CHECK = """
CREATE OR REPLACE FUNCTION click_link_exists() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing integer;
BEGIN
    PERFORM 1 FROM share_link WHERE id IN (SELECT link_id FROM added) FOR KEY SHARE;
    SELECT a.link_id INTO missing FROM added a
     WHERE NOT EXISTS (SELECT 1 FROM share_link l WHERE l.id = a.link_id) LIMIT 1;
    IF FOUND THEN
        RAISE foreign_key_violation USING
            MESSAGE = format('insert or update on table "click" names share link %s, which does not exist', missing),
            TABLE = 'click', CONSTRAINT = 'click_link_exists';
    END IF;
    RETURN NULL;
END
$$
"""

_PG_CASCADE = """
CREATE OR REPLACE FUNCTION share_link_deletes_clicks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM click WHERE link_id IN (SELECT id FROM gone);
    RETURN NULL;
END
$$
"""

_SQLITE_RAISE = "SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: a click names a share link that does not exist')"

DDL: dict[str, list[str]] = {
    "postgresql": [
        _PG_CHECK,
        "CREATE TRIGGER click_link_exists AFTER INSERT ON click REFERENCING NEW TABLE AS added "
        "FOR EACH STATEMENT EXECUTE FUNCTION click_link_exists()",
        "CREATE TRIGGER click_link_exists_update AFTER UPDATE ON click REFERENCING NEW TABLE AS added "
        "FOR EACH STATEMENT EXECUTE FUNCTION click_link_exists()",
        _PG_CASCADE,
        "CREATE TRIGGER share_link_deletes_clicks AFTER DELETE ON share_link REFERENCING OLD TABLE AS gone "
        "FOR EACH STATEMENT EXECUTE FUNCTION share_link_deletes_clicks()",
    ],
    "sqlite": [
        "CREATE TRIGGER click_link_exists BEFORE INSERT ON click "
        "WHEN NOT EXISTS (SELECT 1 FROM share_link WHERE id = NEW.link_id) "
        f"BEGIN {_SQLITE_RAISE}; END",
        "CREATE TRIGGER click_link_exists_update BEFORE UPDATE OF link_id ON click "
        "WHEN NOT EXISTS (SELECT 1 FROM share_link WHERE id = NEW.link_id) "
        f"BEGIN {_SQLITE_RAISE}; END",
        "CREATE TRIGGER share_link_deletes_clicks AFTER DELETE ON share_link "
        "BEGIN DELETE FROM click WHERE link_id = OLD.id; END",
    ],
}

DROP: dict[str, list[str]] = {
    "postgresql": [
        "DROP TRIGGER IF EXISTS share_link_deletes_clicks ON share_link",
        "DROP TRIGGER IF EXISTS click_link_exists_update ON click",
        "DROP TRIGGER IF EXISTS click_link_exists ON click",
        "DROP FUNCTION IF EXISTS share_link_deletes_clicks()",
        "DROP FUNCTION IF EXISTS click_link_exists()",
    ],
    "sqlite": [
        "DROP TRIGGER IF EXISTS share_link_deletes_clicks",
        "DROP TRIGGER IF EXISTS click_link_exists_update",
        "DROP TRIGGER IF EXISTS click_link_exists",
    ],
}


def create(connection: Connection) -> None:
    """Create the rules on ``connection``'s database (``click`` and ``share_link`` exist)."""
    for statement in DDL.get(connection.dialect.name, []):
        connection.exec_driver_sql(statement)


def drop(connection: Connection) -> None:
    for statement in DROP.get(connection.dialect.name, []):
        connection.exec_driver_sql(statement)


def attach(metadata: sa.MetaData) -> None:
    """Create the rules with ``metadata.create_all`` and drop them with ``drop_all``: once every
    table exists, since ``click`` no longer depends on ``share_link`` for the create order."""

    @sa.event.listens_for(metadata, "after_create")
    def _create(_target: sa.MetaData, connection: Connection, **_kw: object) -> None:
        create(connection)

    @sa.event.listens_for(metadata, "before_drop")
    def _drop(_target: sa.MetaData, connection: Connection, **_kw: object) -> None:
        drop(connection)
