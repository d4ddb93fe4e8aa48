"""A private PostgreSQL cluster for the tests: initdb into a temporary folder, started on a
free port as the `postgres` user (the server refuses to run as root), stopped after."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.support.processes import free_port, wait_for

BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def server_binaries():
    """The folder holding initdb and pg_ctl (Debian's postgresql package)."""
    for folder in BIN_DIRS:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    raise RuntimeError("PostgreSQL is not installed: .ci/run installs Debian's postgresql")


def _as_server_user(command):
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


class PostgresCluster:
    """initdb, start, create databases, stop."""

    def __init__(self, host_auth="trust"):
        """`host_auth="scram-sha-256"`: every TCP connection needs its role's password, as
        in production (the superuser keeps its Unix socket, trusted)."""
        self.bin = server_binaries()
        # Its own folder in /tmp: the server user must be able to reach it.
        self.root = Path(tempfile.mkdtemp(prefix="pufa-pg-"))
        self.data = self.root / "data"
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self.port = free_port()
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth-local=trust",
            f"--auth-host={host_auth}",
            "-E",
            "UTF8",
            "--locale=C",
        )
        self.start()

    def start(self):
        """Start the server and wait until it answers."""
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.root / "log"),
            "-o",
            options,
            "-w",
            "start",
        )
        wait_for(self._answers, 30, "PostgreSQL")

    def restart(self):
        """Stop it (fast: open connections are cut) and start it again on the same data."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        self.start()

    def psql_file(self, path):
        """Run an SQL file (psql's own commands allowed) as the superuser, stop on an error."""
        command = [str(self.bin / "psql"), "-h", str(self.root), "-p", str(self.port)]
        command += ["-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-q"]
        subprocess.run(
            _as_server_user([*command, "-f", "-"]),
            input=Path(path).read_bytes(),
            check=True,
            capture_output=True,
            cwd="/",
        )

    def _run(self, *command):
        subprocess.run(_as_server_user(list(command)), check=True, capture_output=True, cwd="/")

    def _answers(self):
        import psycopg

        try:
            psycopg.connect(self.socket_dsn("postgres"), connect_timeout=1).close()
            return True
        except psycopg.OperationalError:
            return False

    def socket_dsn(self, database):
        """The superuser's connection, over the Unix socket (trusted whatever host_auth)."""
        return f"host={self.root} port={self.port} user=postgres dbname={database}"

    def dsn(self, database):
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def url(self, database):
        """A SQLAlchemy URL of a database, created on first use."""
        import psycopg

        with psycopg.connect(self.dsn("postgres"), autocommit=True) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (database,)
            ).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{database}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self):
        """Stop the server and remove its files."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)
