"""What every recording service does with client records: idempotent ids, versions,
history, voids and cursor pagination. The services keep their own tables and rules.

- A client generates each record's id (UUID). The same id with the same content is a
  duplicate (answered with the stored record); with other content it is a 409 conflict.
- A record carries a version; a change must name the version it was based on (`version`
  in its body, required by its schema), and a stale one is 409.
- Every create, update and void writes a history row; nothing is ever hard-deleted.
"""

import base64
import hashlib
import json
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shared.errors import ApiError
from shared.json_text import canonical_json, stored_json

metadata = sa.MetaData()

record_history = sa.Table(
    "record_history",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("entity", sa.String(40), nullable=False),
    sa.Column("record_id", sa.String(64), nullable=False, index=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("reason", sa.Text),
    sa.Column("data", sa.Text, nullable=False),
)

# The statuses of every client record: never deleted, only voided.
ACTIVE, VOID = "active", "void"

# The outcome of one item of a write or a batch.
CREATED, DUPLICATE, CONFLICT, INVALID = "created", "duplicate", "conflict", "invalid"
FORBIDDEN, REFUSED = "forbidden", "refused"  # outside the caller's scope; a closed period


class VersionedRecord:
    """The columns every versioned client record has (a declarative mixin for its model):
    the client's id, the content digest, version, status, who recorded it and when."""

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    digest: Mapped[str]
    version: Mapped[int]
    status: Mapped[str]
    recorded_by: Mapped[str]
    recorded_at: Mapped[datetime]
    updated_at: Mapped[datetime]


def outcome_error(result):
    """The error a single (non-batch) write answers for a failed item's outcome, or None."""
    status, message = result["status"], result.get("message", "")
    if status == CONFLICT:
        return conflict_error(result["id"])
    if status == FORBIDDEN:
        return ApiError(403, message, code="out_of_scope")
    if status == REFUSED:
        return ApiError(409, message, code="period_closed")
    if status == INVALID:
        fields = result.get("fields", {})
        return ApiError(422, "Some fields are not valid: " + ", ".join(fields), fields=fields)
    return None


def create_record_history_v1(op):
    """Create the history table from a migration (frozen: later shapes get a _v2)."""
    op.create_table(
        "record_history",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("entity", sa.String(40), nullable=False),
        sa.Column("record_id", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_index("ix_record_history_record", "record_history", ["record_id", "version"])


def content_digest(data):
    """A fingerprint of a record's client content, to tell a retry from a conflict."""
    return hashlib.sha256(canonical_json(data)).hexdigest()


def conflict_error(record_id):
    """The 409 for an id reused with other content."""
    return ApiError(
        409,
        f"Record {record_id} already exists with other content; it was not overwritten.",
        code="id_conflict",
    )


def history_row(*, entity, record_id, version, action, actor, data, at, reason=None):
    """One history row, made `at` a time (to insert with record_history.insert())."""
    return {
        "entity": entity,
        "record_id": str(record_id),
        "version": version,
        "action": action,
        "actor": str(actor),
        "at": at,
        "reason": reason,
        "data": stored_json(data),
    }


def read_history(session, *, entity, record_id):
    """A record's history, oldest first."""
    rows = session.execute(
        sa.select(record_history)
        .where(record_history.c.entity == entity, record_history.c.record_id == str(record_id))
        .order_by(record_history.c.seq)
    ).all()
    return [
        {
            "version": row.version,
            "action": row.action,
            "actor": row.actor,
            "at": row.at.isoformat() + "Z",
            "reason": row.reason,
            "data": json.loads(row.data),
        }
        for row in rows
    ]


def require_version(current, expected):
    """Refuse a change based on a version other than the current one."""
    if expected != current:
        raise ApiError(
            409,
            f"The record changed meanwhile (now version {current}); reload and try again.",
            code="stale_version",
        )


def encode_cursor(*values):
    """An opaque cursor for the row after which the next page starts."""
    return base64.urlsafe_b64encode(canonical_json(list(values))).decode()


def decode_cursor(cursor):
    """The values encoded in a cursor (a list); 422 when it was not made by us."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError):
        values = None
    if not isinstance(values, list):  # an object, a number, a string: not one of ours
        raise ApiError(422, "The cursor is not valid.", fields={"cursor": ["Not valid."]})
    return values


def record_page(session, model, query, equal):
    """One page of a service's records, newest day first: `equal` {column: value or None}
    and the list query's common filters (dates, voids, changes, cursor, limit:
    RecordListQuery)."""
    statement = filtered(
        sa.select(model),
        model,
        equal=equal,
        date_from=query.get("date_from"),
        date_to=query.get("date_to"),
        include_void=query.get("include_void"),
        changed_after=query.get("changed_after"),
    )
    return newest_first_page(
        session, statement, model, cursor=query.get("cursor"), limit=query["limit"]
    )


EVERY_RECORD_PAGE = 500


def every_record(session, model, query, equal):
    """Every record a list query matches, all its pages and not only one, newest day first:
    read a page at a time (the session keeps no row it no longer refers to), so a list of
    any length is held in memory a page at a time."""
    cursor = None
    while True:
        page_query = query | {"cursor": cursor, "limit": EVERY_RECORD_PAGE}
        page = record_page(session, model, page_query, equal)
        yield from page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return


def newest_first_page(session, statement, model, *, cursor, limit):
    """One page of `statement` ordered by (day, id) newest first, after an opaque cursor."""
    statement = statement.order_by(model.day.desc(), model.id.desc())
    if cursor:
        values = decode_cursor(cursor)
        try:
            day, last_id = date.fromisoformat(values[0]), str(values[1])
        except (ValueError, IndexError, TypeError):
            raise ApiError(
                422, "The cursor is not valid.", fields={"cursor": ["Not valid."]}
            ) from None
        statement = statement.where(
            sa.or_(model.day < day, sa.and_(model.day == day, model.id < last_id))
        )
    rows = session.scalars(statement.limit(limit + 1)).all()
    page = rows[:limit]
    more = len(rows) > limit
    return {
        "items": page,
        "next_cursor": encode_cursor(page[-1].day.isoformat(), page[-1].id) if more else None,
    }


def filtered(
    statement,
    model,
    *,
    equal,
    date_from=None,
    date_to=None,
    include_void=False,
    changed_after=None,
):
    """`statement` narrowed to column == value for each given value, a day range, records
    whose latest version was written after a moment, and (unless asked) active ones only."""
    for column, value in equal.items():
        if value is not None:
            statement = statement.where(getattr(model, column) == value)
    if date_from:
        statement = statement.where(model.day >= date_from)
    if date_to:
        statement = statement.where(model.day <= date_to)
    if changed_after is not None:  # stored naive, in UTC
        moment = changed_after.astimezone(UTC).replace(tzinfo=None)
        statement = statement.where(model.updated_at > moment)
    if not include_void:
        statement = statement.where(model.status == ACTIVE)
    return statement
