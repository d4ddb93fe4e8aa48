"""Back up every database of a site, and restore the dumps into empty databases.

Each database is dumped and restored as its own role (from its component's environment
file): the operator needs no superuser password for either. Redis is not backed up: its
figures are rebuilt from the records, its queues refill as the components go on.
"""

import shutil
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from deploy.production.secrets import read_env_file
from deploy.production.topology import databases
from shared.config import database_variable


def _tool(name):
    """pg_dump or pg_restore: on the PATH, else the newest in Debian's server folders."""
    found = shutil.which(name)
    if found:
        return found
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / name).exists():
            return str(folder / name)
    raise SystemExit(f"{name} is not installed: install Debian's postgresql-client")


def libpq_url(component, site_):
    """The component's database as a libpq URL: its role and password from its environment
    file, the server from the site (so a restore can aim at a new cluster)."""
    url = make_url(read_env_file(site_.etc / f"{component}.env")[database_variable(component)])
    url = url.set(drivername="postgresql", host=site_.postgres_host, port=site_.postgres_port)
    return url.render_as_string(hide_password=False)


def _run_on(component, site_, tool, *arguments):
    """Run a PostgreSQL tool on a component's database, as its role; fail on an error."""
    dbname = f"--dbname={libpq_url(component, site_)}"
    subprocess.run([_tool(tool), *arguments, dbname], check=True)


def back_up(site_, folder):
    """Dump each database into folder/<component>.dump; return what was written."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    written = []
    for component in databases():
        target = folder / f"{component}.dump"
        _run_on(component, site_, "pg_dump", "--format=custom", "--no-owner", f"--file={target}")
        written.append(f"{component}: {target} ({target.stat().st_size:,} bytes)")
    return written


def restore(site_, folder):
    """Load each dump into its (empty) database, all or nothing per database."""
    restored = []
    for component in databases():
        source = folder / f"{component}.dump"
        _run_on(
            component,
            site_,
            "pg_restore",
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            str(source),
        )
        restored.append(f"{component}: restored from {source}")
    return restored
