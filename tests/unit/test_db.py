"""SQLite writers of one process take turns at a Python lock; it must always be released."""

import sqlalchemy as sa

from shared import db


def writer_lock(engine):
    return db._writers[engine]


def test_a_write_transaction_holds_the_writer_lock_until_it_ends(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE t (x INTEGER)"))
        assert writer_lock(engine).locked()
    assert not writer_lock(engine).locked()
    connection = engine.connect()
    connection.begin()
    connection.execute(sa.text("INSERT INTO t VALUES (1)"))
    connection.rollback()
    connection.close()
    assert not writer_lock(engine).locked()


def test_a_writer_whose_connection_dies_releases_the_writer_lock(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    connection = engine.connect()
    connection.begin()
    assert writer_lock(engine).locked()
    connection.invalidate()
    assert not writer_lock(engine).locked()
    with engine.begin() as other:  # the next writer is not kept waiting
        other.execute(sa.text("CREATE TABLE t (x INTEGER)"))


def test_holding_writers_off_takes_the_writer_lock_and_gives_it_back(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE t (x INTEGER)"))
    with db.writers_held(engine):
        assert writer_lock(engine).locked()
    assert not writer_lock(engine).locked()
