"""SQLite writers of one process take turns at a Python lock; it must always be released."""

import subprocess
import sys

import sqlalchemy as sa

from shared import db
from shared.config import REPO_ROOT
from shared.db import writer_lock
from shared.writer_lock import WriterLock


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


def test_the_writer_lock_keeps_writers_of_other_processes_waiting(tmp_path):
    """gunicorn workers queue on the lock file too, not only on SQLite's busy handler."""
    path = str(tmp_path / "w.db")
    command = [sys.executable, "-c", HOLD_THE_WRITER_LOCK, path]
    pipes = {"stdin": subprocess.PIPE, "stdout": subprocess.PIPE, "text": True}
    with subprocess.Popen(command, cwd=REPO_ROOT, **pipes) as holder:
        try:
            assert holder.stdout.readline().strip() == "holding"
            here = WriterLock(path)
            assert not here.acquire(timeout=0.2)
            assert not here.locked()  # a failed try leaves nothing held
            holder.stdin.write("release\n")
            holder.stdin.flush()
            assert here.acquire(timeout=10)
            here.release()
        finally:
            holder.kill()


HOLD_THE_WRITER_LOCK = """
import sys
from shared.writer_lock import WriterLock
lock = WriterLock(sys.argv[1])
assert lock.acquire(timeout=5)
print("holding", flush=True)
sys.stdin.readline()
lock.release()
print("released", flush=True)
sys.stdin.readline()
"""


def test_a_commit_of_a_few_thousand_pages_leaves_them_in_the_log(tmp_path):
    """A large batch's commit does not copy the log back into the database itself (the
    checkpoint comes once the log passes WAL_CHECKPOINT_PAGES)."""
    path = tmp_path / "big.db"
    engine = db.make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE t (x BLOB)"))
        insert = sa.text("INSERT INTO t VALUES (randomblob(3000))")
        connection.execute(insert, [{}] * 2500)  # ~2,500 pages: past SQLite's own 1,000
    log = tmp_path / "big.db-wal"
    assert log.stat().st_size > 2500 * 4096
    assert path.stat().st_size < 100 * 4096  # nothing copied back yet
    engine.dispose()
