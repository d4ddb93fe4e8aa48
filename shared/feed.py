"""The change feed: an append-only log of a service's changes, read by the stats worker.

A write stores its record and appends its change entry in ONE transaction; the worker
reads `GET /feed?after=N&limit=M` in pages, in sequence order.
"""

import json

import marshmallow as ma
import sqlalchemy as sa
from flask import current_app
from flask.views import MethodView

from shared.aggregates import aggregate_as_of
from shared.blueprint import Blueprint
from shared.clock import utcnow
from shared.db import begins_writing, execute_on_driver, get_db
from shared.errors import ApiError
from shared.input_schema import storable
from shared.json_text import stored_json
from shared.poke import mark_feed_changed
from shared.scopes import roles_allowed

metadata = sa.MetaData()

change_log = sa.Table(
    "change_log",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("recorded_at", sa.DateTime, nullable=False),
    sa.Column("entity", sa.String(40), nullable=False),
    sa.Column("entity_id", sa.String(64), nullable=False),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
)

CHANGE_INSERT = change_log.insert()
FEED_READERS = ("service", "admin")
MAX_PAGE = 5000


def create_change_log_v1(op):
    """Create the change log table from a migration (frozen: later shapes get a _v2)."""
    op.create_table(
        "change_log",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.Column("entity", sa.String(40), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
    )


def change_entry(*, entity, entity_id, action, payload, recorded_at=None):
    """One change entry (recorded now by default); its payload must hold no personal data."""
    return {
        "recorded_at": recorded_at or utcnow(),
        "entity": entity,
        "entity_id": str(entity_id),
        "action": action,
        "payload": stored_json(payload),
    }


def serialise_writers(engine):
    """On PostgreSQL, every write transaction (shared.db.write_transaction) takes the change
    log's EXCLUSIVE lock before its first statement (readers go on). Writers then run one
    at a time, as SQLite's do from BEGIN IMMEDIATE: what a write checked (its ids are new, a
    version is current) is still true when it lands, and `seq` values are taken in the
    order of commits, so a reader of the feed never skips an entry."""
    if engine.dialect.name != "postgresql":
        return

    @sa.event.listens_for(engine, "begin")
    def lock_the_change_log(connection):
        if begins_writing(connection):
            # On the driver: it opens the transaction, which SQLAlchemy then carries on.
            execute_on_driver(connection, "LOCK TABLE change_log IN EXCLUSIVE MODE")


def append_changes(session, entries):
    """Append change entries, in order, in the caller's transaction (on PostgreSQL it
    holds the change log's lock from its start: serialise_writers)."""
    if not entries:
        return
    session.execute(CHANGE_INSERT, entries)
    mark_feed_changed(session)


def append_change(session, *, entity, entity_id, action, payload):
    """Append one change in the caller's transaction; payload must hold no personal data."""
    append_changes(
        session, [change_entry(entity=entity, entity_id=entity_id, action=action, payload=payload)]
    )


def read_changes(session, *, after, limit):
    """The entries after sequence number `after`, at most `limit`, oldest first."""
    rows = session.execute(
        sa.select(change_log)
        .where(change_log.c.seq > after)
        .order_by(change_log.c.seq)
        .limit(limit)
    ).all()
    return [
        {
            "seq": row.seq,
            "recorded_at": row.recorded_at.isoformat() + "Z",
            "entity": row.entity,
            "entity_id": row.entity_id,
            "action": row.action,
            "payload": json.loads(row.payload),
        }
        for row in rows
    ]


def last_seq(session):
    """The newest sequence number in the log (0 when empty)."""
    return session.execute(sa.select(sa.func.coalesce(sa.func.max(change_log.c.seq), 0))).scalar()


class FeedQuery(ma.Schema):
    after = ma.fields.Integer(load_default=0, validate=storable(0))
    limit = ma.fields.Integer(load_default=1000, validate=ma.validate.Range(min=1, max=MAX_PAGE))


class FeedPage(ma.Schema):
    entries = ma.fields.List(ma.fields.Dict())
    next_after = ma.fields.Integer()
    last_seq = ma.fields.Integer()
    has_more = ma.fields.Boolean()


feed_blueprint = Blueprint("feed", __name__, description="The service's change feed.")


@feed_blueprint.route("/feed")
class Feed(MethodView):
    @roles_allowed(*FEED_READERS)
    @feed_blueprint.arguments(FeedQuery, location="query")
    @feed_blueprint.response(200, FeedPage)
    def get(self, query):
        """Read a page of the change feed after a sequence number (stats worker, admins)."""
        session = get_db().session
        entries = read_changes(session, after=query["after"], limit=query["limit"])
        newest = last_seq(session)
        next_after = entries[-1]["seq"] if entries else query["after"]
        return {
            "entries": entries,
            "next_after": next_after,
            "last_seq": newest,
            "has_more": next_after < newest,
        }


class AggregateQuery(ma.Schema):
    grouping = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(min=1, max=200)),
        required=True,
        validate=ma.validate.Length(min=1, max=20),
        metadata={"description": "Comma-separated columns, e.g. day,township_code,type."},
    )


@feed_blueprint.route("/feed/aggregate")
class FeedAggregate(MethodView):
    @roles_allowed(*FEED_READERS)
    @feed_blueprint.arguments(AggregateQuery, location="query")
    @feed_blueprint.response(200)
    def get(self, query):
        """The figures of the current records, grouped, as of one feed position.

        A rebuild starts from here and replays only the feed after `as_of_seq`, instead
        of every entry since the beginning. All groupings come from one snapshot.
        """
        spec = current_app.extensions.get("feed_aggregate")
        if spec is None:
            raise ApiError(404, "This feed has no aggregate; replay it from the start.")
        groupings = [grouping.split(",") for grouping in query["grouping"]]
        as_of, grouped = aggregate_as_of(get_db().session, spec, groupings, last_seq)
        return {"as_of_seq": as_of, "groupings": grouped}
