"""history notes hub writes itself are kept as facts (auto_note), said in each reader's language

Until now hub wrote some notes of a history into the database as English text: "Restored from
revision 3", "Suggestion by Ada accepted by Bo (merged with revision 4)", "Kept after a pause in
writing", "2026-12-01 09:00 UTC" (a post scheduled), "Requested by Ada.", "Changed: purpose,
owner", "Active → Dormant. Paused for the summer", "Posted on 01 Jun 2025. Launch post",
"Followers are pointed to @acme on LinkedIn.", "4 of 6 steps done.", "Closed on 14 Jun 2025.".
A Swedish or German reader saw them in English.

``post_revision``, ``post_event``, ``strategy_revision`` and ``channel_event`` get ``auto_note``
(JSON): hub's words as facts ({"key": "restored", "number": 3}), rendered in the reader's language
(``hub.posts.models.history_sentence``, ``hub.strategy.models``, ``hub.channels.models.event_sentence``).
``note`` keeps only what a person typed.

Existing rows in those English forms are converted here: the facts go into ``auto_note``, and
what a person typed after hub's sentence ("Paused for the summer") stays in ``note``, verbatim.
A row that matches no known form is left as it is (and shown as it is). The forms are frozen
here, as they were written: this file does not follow later changes to hub's code.

Downgrade writes the English text back into ``note`` and drops the columns.

Revision ID: b9e4d2a7c1f3
Revises: f1d9b3c6a2e8
Create Date: 2026-11-30 10:00:00
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "b9e4d2a7c1f3"
down_revision = "f1d9b3c6a2e8"
branch_labels = None
depends_on = None

BATCH = 500
TABLES = ("post_revision", "post_event", "strategy_revision", "channel_event")
SHORT_NOTES = {"post_revision": 300, "strategy_revision": 300}  # String(300); the others are Text

# The English hub wrote, as it wrote it (hub.channels.services before this revision).
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
FIELDS = {
    "platform": "platform", "handle": "handle", "url": "address", "purpose": "purpose", "audience": "audience",
    "owner_id": "owner", "backup_owner_id": "backup owner", "opened_by": "opened by", "agency": "agency",
    "campaign": "campaign", "campaign_end": "campaign end", "last_activity_on": "last activity",
}
STATUSES = ("active", "dormant", "closing", "closed")
PLATFORMS = {
    "x": "X", "linkedin": "LinkedIn", "bluesky": "Bluesky", "mastodon": "Mastodon", "threads": "Threads",
    "facebook": "Facebook", "instagram": "Instagram", "reddit": "Reddit", "whatsapp": "WhatsApp", "email": "Email",
    "youtube": "YouTube", "tiktok": "TikTok", "other": "Other",
}

Parsed = tuple[dict[str, Any], str]  # (auto_note, what is left of note: the typed part)

_RESTORED = re.compile(r"Restored from revision (\d+)")
_FROM_REVISION = re.compile(r"from revision (\d+)")
_SCHEDULED = re.compile(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}) UTC")
_KEPT = "Kept after a pause in writing"
_SUGGESTION = re.compile(
    r"Suggestion by (?P<author>.+?) accepted by (?P<actor>.+?)"
    r"(?: \(merged with revision (?P<merged>\d+)\)|(?P<by_hand>, merged by hand))?",
    re.DOTALL,
)
_REQUESTED = re.compile(r"Requested by (.+)\.", re.DOTALL)
_CHANGED = re.compile(r"Changed: (.+)", re.DOTALL)
_STATUS = re.compile(r"(Active|Dormant|Closing|Closed) → (Active|Dormant|Closing|Closed)(?:\. (.*))?", re.DOTALL)
_DAY = r"(\d{2}) (" + "|".join(MONTHS) + r") (\d{4})"
_POSTED = re.compile(r"Posted on " + _DAY + r"\.(?: (.*))?", re.DOTALL)
_CLOSED = re.compile(r"Closed on " + _DAY + r"\.(?: (.*))?", re.DOTALL)
_MAIN = re.compile(r"Followers are pointed to (.+) on (.+)\.", re.DOTALL)
_CHECKLIST = re.compile(r"(\d+) of (\d+) steps done\.")


def _day(day: str, month: str, year: str) -> str | None:
    try:
        return date(int(year), MONTHS.index(month) + 1, int(day)).isoformat()
    except ValueError:
        return None


def _suggestion(note: str) -> Parsed | None:
    m = _SUGGESTION.fullmatch(note)
    if not m:
        return None
    auto: dict[str, Any] = {"key": "suggestion", "author": m["author"], "actor": m["actor"]}
    if m["merged"]:
        auto["merged"] = int(m["merged"])
    if m["by_hand"]:
        auto["by_hand"] = True
    return auto, ""


def parse_post_revision(kind: str, note: str) -> Parsed | None:
    if kind == "restore" and (m := _RESTORED.fullmatch(note)):
        return {"key": "restored", "number": int(m[1])}, ""
    if kind == "autosave" and note == _KEPT:
        return {"key": "kept_after_pause"}, ""
    if kind == "suggestion":
        return _suggestion(note)
    return None


def parse_post_event(kind: str, note: str) -> Parsed | None:
    if kind == "restored" and (m := _FROM_REVISION.fullmatch(note)):
        return {"key": "from_revision", "number": int(m[1])}, ""
    if kind == "suggestion_accepted":
        return _suggestion(note)
    if kind == "scheduled" and (m := _SCHEDULED.fullmatch(note)):
        try:
            year, month, day, hour, minute = (int(part) for part in m.groups())
            at = datetime(year, month, day, hour, minute, tzinfo=UTC)
        except ValueError:
            return None
        return {"key": "scheduled_for", "at": at.isoformat()}, ""
    return None


def parse_strategy_revision(_kind: str, note: str) -> Parsed | None:
    if m := _RESTORED.fullmatch(note):
        return {"key": "restored", "number": int(m[1])}, ""
    return None


def parse_channel_event(kind: str, note: str) -> Parsed | None:
    if kind == "created" and (m := _REQUESTED.fullmatch(note)):
        return {"key": "requested", "name": m[1]}, ""
    if kind == "updated" and (m := _CHANGED.fullmatch(note)):
        by_label = {label: name for name, label in FIELDS.items()}
        labels = m[1].split(", ")
        if all(label in by_label for label in labels):
            return {"key": "changed", "fields": [by_label[label] for label in labels]}, ""
        return None
    if kind == "status" and (m := _STATUS.fullmatch(note)):
        return {"key": "status", "from": m[1].lower(), "to": m[2].lower()}, m[3] or ""
    if kind in ("activity", "closed"):
        m = (_POSTED if kind == "activity" else _CLOSED).fullmatch(note)
        on = _day(m[1], m[2], m[3]) if m else None
        if m and on:
            return {"key": "posted" if kind == "activity" else "closed", "on": on}, m[4] or ""
        return None
    if kind == "closing_started" and (m := _MAIN.fullmatch(note)):
        by_name = {name: pid for pid, name in PLATFORMS.items()}
        return {"key": "main_account", "handle": m[1], "platform": by_name.get(m[2], m[2])}, ""
    if kind == "checklist" and (m := _CHECKLIST.fullmatch(note)):
        return {"key": "checklist", "done": int(m[1]), "total": int(m[2])}, ""
    return None


PARSERS: dict[str, Callable[[str, str], Parsed | None]] = {
    "post_revision": parse_post_revision,
    "post_event": parse_post_event,
    "strategy_revision": parse_strategy_revision,
    "channel_event": parse_channel_event,
}


def english(auto: dict[str, Any]) -> str | None:
    """``auto`` as the English hub wrote before (for the downgrade); None: a kind unknown here."""
    key = auto.get("key")
    if key == "restored":
        return f"Restored from revision {auto['number']}"
    if key == "from_revision":
        return f"from revision {auto['number']}"
    if key == "scheduled_for":
        return f"{datetime.fromisoformat(auto['at']).astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    if key == "kept_after_pause":
        return _KEPT
    if key == "suggestion":
        how = (f" (merged with revision {auto['merged']})" if auto.get("merged") is not None
               else ", merged by hand" if auto.get("by_hand") else "")
        return f"Suggestion by {auto['author']} accepted by {auto['actor']}{how}"
    if key == "requested":
        return f"Requested by {auto['name']}."
    if key == "changed":
        return "Changed: " + ", ".join(FIELDS.get(name, name) for name in auto["fields"])
    if key == "status":
        return f"{str(auto['from']).capitalize()} → {str(auto['to']).capitalize()}"
    if key in ("posted", "closed"):
        on = date.fromisoformat(auto["on"])
        return f"{'Posted' if key == 'posted' else 'Closed'} on {on.day:02d} {MONTHS[on.month - 1]} {on.year}."
    if key == "main_account":
        return f"Followers are pointed to {auto['handle']} on {PLATFORMS.get(auto['platform'], auto['platform'])}."
    if key == "checklist":
        return f"{auto['done']} of {auto['total']} steps done."
    return None


def _table(name: str) -> sa.TableClause:
    columns: list[sa.ColumnClause[Any]] = [sa.column("id", sa.Integer), sa.column("note", sa.Text),
               sa.column("auto_note", sa.JSON(none_as_null=True))]
    if name != "strategy_revision":
        columns.append(sa.column("kind", sa.String))
    return sa.table(name, *columns)


def _rows(conn: sa.Connection, table: sa.TableClause, condition: sa.ColumnElement[bool]) -> Iterator[Any]:
    """Every row matching ``condition``, in batches by id."""
    kind = table.c.kind if "kind" in table.c else sa.literal("")
    last = 0
    while True:
        rows = conn.execute(
            sa.select(table.c.id, kind.label("kind"), table.c.note, table.c.auto_note)
            .where(condition, table.c.id > last).order_by(table.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].id


def convert(conn: sa.Connection) -> None:
    """Move the English notes hub wrote itself into ``auto_note``, keeping what people typed."""
    for name in TABLES:
        table = _table(name)
        parse = PARSERS[name]
        for row in _rows(conn, table, table.c.note != ""):
            parsed = parse(str(row.kind or ""), row.note)
            if parsed is not None:
                auto, typed = parsed
                conn.execute(table.update().where(table.c.id == row.id).values(auto_note=auto, note=typed))


def _joined(said: str, typed: str) -> str:
    if not typed:
        return said
    return said + (" " if said.endswith(".") else ". ") + typed


def write_back(conn: sa.Connection) -> None:
    """Write hub's notes back into ``note`` as English text (the typed part after them)."""
    for name in TABLES:
        table = _table(name)
        for row in _rows(conn, table, table.c.auto_note.is_not(None)):
            said = english(row.auto_note) if isinstance(row.auto_note, dict) else None
            if said is not None:
                note = _joined(said, row.note or "")[: SHORT_NOTES.get(name)]
                conn.execute(table.update().where(table.c.id == row.id).values(note=note))


def upgrade() -> None:
    for name in TABLES:  # plain ALTER TABLE on SQLite too: no table is copied (its triggers stay)
        op.add_column(name, sa.Column("auto_note", sa.JSON(none_as_null=True), nullable=True))
    convert(op.get_bind())


def downgrade() -> None:
    write_back(op.get_bind())
    for name in TABLES:
        op.drop_column(name, "auto_note")
