"""A transaction that says it writes holds SQLite's write lock from its first statement
to its end; any other transaction only reads and keeps no writer waiting."""

import sqlite3

import pytest
import sqlalchemy as sa

from shared import db
from shared.errors import ApiError
from tests.support.registry_calls import write_locked


@pytest.fixture
def database(tmp_path):
    path = str(tmp_path / "w.db")
    engine = db.make_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        connection.execute(sa.text("CREATE TABLE t (x INTEGER)"))
        connection.commit()
    yield path, engine
    engine.dispose()


def test_a_write_transaction_holds_the_write_lock_from_its_first_statement_to_its_end(database):
    path, engine = database
    session = db.AppSession(bind=engine)
    with db.write_transaction(session):
        assert not write_locked(path)  # nothing asked yet: no writer kept waiting
        session.execute(sa.text("SELECT count(*) FROM t"))
        assert write_locked(path)
        session.execute(sa.text("INSERT INTO t VALUES (1)"))
    assert not write_locked(path)
    assert session.scalar(sa.text("SELECT count(*) FROM t")) == 1
    session.close()


def test_a_failed_write_transaction_rolls_back_and_lets_go(database):
    path, engine = database
    session = db.AppSession(bind=engine)
    with pytest.raises(RuntimeError), db.write_transaction(session):
        session.execute(sa.text("INSERT INTO t VALUES (1)"))
        raise RuntimeError("the rule refused it")
    assert not write_locked(path)
    assert session.scalar(sa.text("SELECT count(*) FROM t")) == 0
    session.close()


def test_a_read_takes_no_write_lock(database):
    path, engine = database
    session = db.AppSession(bind=engine)
    session.execute(sa.text("SELECT count(*) FROM t"))
    assert session.in_transaction()
    assert not write_locked(path)
    session.close()


def test_a_writer_that_cannot_have_its_turn_is_a_503(database, monkeypatch):
    path, _engine = database
    monkeypatch.setattr(db, "BUSY_TIMEOUT_SECONDS", 0)
    impatient = db.make_engine(f"sqlite:///{path}")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        session = db.AppSession(bind=impatient)
        with pytest.raises(ApiError) as refused, db.write_transaction(session):
            session.execute(sa.text("INSERT INTO t VALUES (1)"))
        assert refused.value.status == 503
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        impatient.dispose()


def test_a_writer_whose_connection_dies_lets_the_next_writer_in(database):
    path, engine = database
    connection = engine.connect().execution_options(**{db.WRITING: True})
    connection.begin()
    assert write_locked(path)
    connection.invalidate()
    assert not write_locked(path)


def test_holding_writers_off_takes_the_write_lock_and_gives_it_back(database):
    path, engine = database
    with db.writers_held(engine):
        assert write_locked(path)
    assert not write_locked(path)
