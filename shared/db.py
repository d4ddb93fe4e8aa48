"""The database helper: one engine and scoped session per app, schema by Alembic only."""

import weakref
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from flask import current_app, has_request_context, request
from sqlalchemy import create_engine, event, text
from sqlalchemy.orm import scoped_session, sessionmaker

from shared.errors import ApiError
from shared.json_text import stored_json
from shared.poke import forget_feed_change, poke_after_commit
from shared.writer_lock import WriterLock

BUSY_TIMEOUT_SECONDS = 15
# SQLite copies its write-ahead log back into the database (a checkpoint, with an fsync)
# once the log passes this many pages, inside the commit that passed it. SQLite's 1,000
# (4 MB) is less than one 500-item batch writes on a database of some 30,000 activities,
# so every batch paid a checkpoint while it held the write lock; at 10,000 (40 MB) pages
# that several batches touch are copied back once (commit ~50 -> ~25 µs an item).
WAL_CHECKPOINT_PAGES = 10_000
READ_ONLY = "pufa_read_only"  # an execution option: this connection only reads
_writers = weakref.WeakKeyDictionary()  # SQLite engine -> the WriterLock its writers take


def make_engine(url):
    """Create an engine; SQLite gets WAL, a busy timeout and foreign keys on every connection."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, json_serializer=stored_json)
    path = url.split("///", 1)[-1]
    on_disk = path if path and path != ":memory:" else None
    if on_disk:
        Path(on_disk).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
        json_serializer=stored_json,  # JSON columns (an activity's languages), via orjson
        # A connection for every thread of a worker (gunicorn runs 8): none opened per request.
        pool_size=16,
    )
    # SQLite has one writer at a time: writers queue for it in shared.writer_lock, which
    # wakes them the moment it frees (SQLite's busy handler sleeps and polls).
    writer = _writers[engine] = WriterLock(on_disk)

    @event.listens_for(engine, "connect")
    def tune_sqlite(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, open transactions (BEGIN IMMEDIATE below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_PAGES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin(connection):
        # A writer takes the write lock up front, so concurrent writers wait (busy timeout)
        # instead of failing on a lock upgrade; a read-only request never blocks anyone.
        # Sent straight to the driver: it opens every write, and SQLAlchemy's execution
        # machinery cost more than SQLite's BEGIN itself.
        driver = connection.connection.driver_connection
        if not is_writing(connection):
            driver.execute("BEGIN")
            return
        _take(writer)
        connection.info["holds_writer"] = True
        try:
            driver.execute("BEGIN IMMEDIATE")
        except BaseException:
            release_writer(connection.info)
            raise

    def release_writer(info):
        if info.pop("holds_writer", False):
            writer.release()

    # After the COMMIT or ROLLBACK itself: the connection goes back to the pool (an
    # invalidated one too: tests/unit/test_db.py).
    event.listen(engine.pool, "checkin", lambda _dbapi, record: release_writer(record.info))
    return engine


def is_writing(connection):
    """Whether the transaction opening on `connection` may write: not one of a GET or HEAD
    request, nor marked READ_ONLY."""
    reading = has_request_context() and request.method in ("GET", "HEAD")
    return not (reading or connection.get_execution_options().get(READ_ONLY))


def database_busy():
    """The 503 of a write that could not have its turn in time (nothing was written)."""
    return ApiError(503, "The database is busy; try again.", code="database_busy",
                    headers={"Retry-After": "1"})  # fmt: skip


def _take(lock):
    if not lock.acquire(timeout=BUSY_TIMEOUT_SECONDS):
        raise database_busy()


def writer_lock(engine):
    """The WriterLock a SQLite engine's writers take."""
    return _writers[engine]


@contextmanager
def writers_held(engine):
    """Keep every writer of a SQLite database (in every process) waiting while the block
    runs: readers started inside it all see the same snapshot. Keep the block short."""
    lock = writer_lock(engine)
    _take(lock)
    try:
        raw = engine.raw_connection()
        try:
            raw.cursor().execute("BEGIN IMMEDIATE")
            try:
                yield
            finally:
                raw.cursor().execute("ROLLBACK")
        finally:
            raw.close()
    finally:
        lock.release()


def get_or_404(session, model, key, name, visible=None):
    """The `model` record with this primary key, or a 404 naming it — also when the caller
    may not see it (`visible(record)` false): a record one may not see is not there."""
    record = session.get(model, key)
    if record is None or (visible is not None and not visible(record)):
        raise ApiError(404, f"There is no {name} {key}.")
    return record


def upgrade_schema(engine, migrations_dir):
    """Apply a component's Alembic migrations up to head."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(migrations_dir))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


class Database:
    """An app's database: engine, session factory, and a readiness check."""

    def __init__(self, url, migrations_dir):
        self.engine = make_engine(url)
        factory = sessionmaker(bind=self.engine, expire_on_commit=False)
        # A commit that appended to the change feed pokes the stats worker.
        event.listen(factory, "after_commit", poke_after_commit)
        event.listen(factory, "after_rollback", forget_feed_change)
        self.session = scoped_session(factory)
        self.migrations_dir = migrations_dir

    def init_app(self, app):
        """Migrate the schema, then bind the session's lifetime to the app context."""
        upgrade_schema(self.engine, self.migrations_dir)
        # Forked gunicorn workers must not share the connections opened while migrating.
        self.engine.dispose()
        app.extensions["database"] = self
        app.teardown_appcontext(lambda _exc: self.session.remove())

    def ping(self):
        """Raise unless the database answers a trivial query."""
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))


def get_db():
    """The database of the current app."""
    return current_app.extensions["database"]
