"""The database helper: one engine and scoped session per app, schema by Alembic only.

A transaction that writes says so: `write_transaction(session)`, or `@writing` on a service
function whose first argument is the session. On SQLite it begins with
BEGIN IMMEDIATE (the database's one writer, waited for up to the busy timeout), on
PostgreSQL it takes the change log's lock (shared.feed.serialise_writers); everything else
reads, and never keeps a writer waiting.
"""

import functools
import weakref
from contextlib import contextmanager
from pathlib import Path

import click
from alembic import command
from alembic.config import Config as AlembicConfig
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from shared.errors import ApiError
from shared.json_text import stored_json
from shared.poke import forget_feed_change, poke_after_commit

BUSY_TIMEOUT_SECONDS = 15
WRITING = "pufa_writing"  # an execution option: this connection's transaction writes
READ_ONLY = "pufa_read_only"  # an execution option: this connection only reads
MIGRATION_LOCK = 0x70756661  # PostgreSQL's advisory lock key of migrations ("pufa")
_writing_variants = weakref.WeakKeyDictionary()  # engine -> the same engine, WRITING


def make_engine(url, pool_size=5, max_overflow=10):
    """Create an engine; SQLite gets WAL, a busy timeout and foreign keys on every connection.
    A server database gets a pool of `pool_size` connections (plus `max_overflow` more at a
    peak) per process: replicas × workers × that must stay under its max_connections."""
    if not url.startswith("sqlite"):
        return create_engine(
            url,
            pool_pre_ping=True,
            pool_size=pool_size,
            max_overflow=max_overflow,
            json_serializer=stored_json,
        )
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
        json_serializer=stored_json,
        # A connection for every thread of a worker (gunicorn runs 8): none opened per request.
        pool_size=16,
    )

    @event.listens_for(engine, "connect")
    def tune_sqlite(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, open transactions (BEGIN IMMEDIATE below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin(connection):
        # A writer takes SQLite's write lock up front, so concurrent writers wait (busy
        # timeout) instead of failing when a read transaction tries to become a write.
        if not begins_writing(connection):
            execute_on_driver(connection, "BEGIN")
            return
        try:
            execute_on_driver(connection, "BEGIN IMMEDIATE")
        except OperationalError as exc:
            if "locked" not in str(exc.orig):
                raise
            raise database_busy() from None

    return engine


def execute_on_driver(connection, statement):
    """Run `statement` on the driver under `connection`, as a "begin" listener must (the
    transaction it opens is not SQLAlchemy's yet), its error wrapped as SQLAlchemy wraps
    its own: a database gone under it is then the 503 of shared.errors, not a 500."""
    dbapi_error = connection.dialect.loaded_dbapi.Error
    try:
        connection.connection.driver_connection.execute(statement)
    except dbapi_error as error:
        raise DBAPIError.instance(statement, None, error, dbapi_error) from error


def begins_writing(connection):
    """Whether the transaction opening on `connection` writes (see write_transaction)."""
    options = connection.get_execution_options()
    return bool(options.get(WRITING)) and not options.get(READ_ONLY)


def database_busy():
    """The 503 of a write that could not have its turn in time (nothing was written)."""
    return ApiError(
        503, "The database is busy; try again.", code="database_busy", headers={"Retry-After": "1"}
    )


class AppSession(Session):
    """A session whose connections are taken from the writing engine inside a
    write_transaction: the transaction begins as a write at its first statement, so
    what is asked before it (another service) keeps no writer waiting."""

    def get_bind(self, *args, **kwargs):
        """The engine, or its writing variant inside a write_transaction."""
        bind = super().get_bind(*args, **kwargs)
        if not self.info.get(WRITING):
            return bind
        if bind not in _writing_variants:
            _writing_variants[bind] = bind.execution_options(**{WRITING: True})
        return _writing_variants[bind]


@contextmanager
def write_transaction(session):
    """Run the block as one transaction that writes, committed at its end (rolled back on
    an error). Nested, the inner block joins the outer one. A read transaction still open
    on the session is ended first: what is written is decided on what is current."""
    if isinstance(session, scoped_session):
        session = session()
    if session.info.get(WRITING):
        yield session
        return
    if session.in_transaction():
        session.rollback()
    session.info[WRITING] = True
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info.pop(WRITING, None)


def writing(function):
    """Run a service function `function(session, ...)` in one write_transaction of its
    session, committed when it returns."""

    @functools.wraps(function)
    def written(session, *args, **kwargs):
        with write_transaction(session):
            return function(session, *args, **kwargs)

    return written


@contextmanager
def writers_held(engine):
    """Keep every writer of a SQLite database (in every process) waiting while the block
    runs: readers started inside it all see the same snapshot. Keep the block short."""
    raw = engine.raw_connection()
    try:
        raw.cursor().execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            raw.cursor().execute("ROLLBACK")
    finally:
        raw.close()


def get_or_404(session, model, key, name, visible=None):
    """The `model` record with this primary key, or a 404 naming it — also when the caller
    may not see it (`visible(record)` false): a record one may not see is not there."""
    record = session.get(model, key)
    if record is None or (visible is not None and not visible(record)):
        raise ApiError(404, f"There is no {name} {key}.")
    return record


def upgrade_schema(engine, migrations_dir):
    """Apply a component's Alembic migrations up to head, one migrating process at a time:
    on PostgreSQL under an advisory lock held to the commit (replicas starting together
    wait, then find the schema at head), on SQLite in a write transaction."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(migrations_dir))
    postgresql = engine.dialect.name == "postgresql"
    # Not a WRITING transaction on PostgreSQL: that would lock a change log not made yet.
    bind = engine if postgresql else engine.execution_options(**{WRITING: True})
    with bind.begin() as connection:
        if postgresql:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


class Database:
    """An app's database: engine, session factory, and a readiness check."""

    def __init__(self, url, migrations_dir, pool_size=5, max_overflow=10):
        self.engine = make_engine(url, pool_size, max_overflow)
        factory = sessionmaker(bind=self.engine, class_=AppSession, expire_on_commit=False)
        # A commit that appended to the change feed pokes the stats worker.
        event.listen(factory, "after_commit", poke_after_commit)
        event.listen(factory, "after_rollback", forget_feed_change)
        self.session = scoped_session(factory)
        self.migrations_dir = migrations_dir

    def init_app(self, app):
        """Bind the session's lifetime to the app context, and add `flask db-upgrade`. The
        schema is migrated by that command, before the servers start, not here."""
        app.extensions["database"] = self
        app.teardown_appcontext(lambda _exc: self.session.remove())
        app.cli.add_command(db_upgrade)

    def upgrade(self):
        """Apply the migrations up to head (see upgrade_schema)."""
        upgrade_schema(self.engine, self.migrations_dir)
        self.engine.dispose()  # forked servers must not share what migrating opened

    def ping(self):
        """Raise unless the database answers a trivial query."""
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))


def get_db():
    """The database of the current app."""
    return current_app.extensions["database"]


@click.command("db-upgrade")
@with_appcontext
def db_upgrade():
    """Apply this component's migrations up to head (before its servers start)."""
    get_db().upgrade()
    click.echo(f"{current_app.config['COMPONENT']}: schema at head")
