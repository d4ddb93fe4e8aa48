"""The one description of a production site: its settings and every process it runs.

The systemd units, the supervisord configuration, nginx's upstream pools, the Redis users
and the environment files are all written from this (deploy/production/render.py), so a
replica added here is started, supervised, balanced and given its secrets everywhere.
"""

import os
from pathlib import Path
from typing import NamedTuple

from shared.components import BY_NAME, COMPONENTS, SERVICES, WITH_DATABASE
from shared.config import REPO_ROOT


class Site(NamedTuple):
    """An operator's settings (site.env): where things are and how many of each."""

    home: Path  # the checkout, with its .venv and the built web apps
    etc: Path  # the environment files, one per component, and the generated files
    state: Path  # Redis's data, nginx's temporary files, supervisord's sockets
    server_name: str
    https_port: int
    http_port: int  # only sends the browser on to https
    tls_certificate: str
    tls_certificate_key: str
    replicas: int  # of the gateway and of each service
    gunicorn_workers: int  # processes of each replica (8 threads each)
    workers: int  # stats workers
    port_base: int  # replicas listen on loopback from here (10 ports per component)
    internal_port_base: int  # nginx's pool of each service, as the gateway reaches it
    postgres_host: str
    postgres_port: int
    redis_host: str
    redis_port: int
    db_pool_size: int
    db_max_overflow: int
    max_body: str  # nginx's client_max_body_size: the same limit the components keep
    run_as: bool  # systemd: each component as its own system user (pufa-<component>)


DEFAULTS = {
    "PUFA_HOME": str(REPO_ROOT),
    "PUFA_ETC": "/etc/pufa",
    "PUFA_STATE": "/var/lib/pufa",
    "SERVER_NAME": "pufa.example.gov.cn",
    "HTTPS_PORT": "443",
    "HTTP_PORT": "80",
    "TLS_CERTIFICATE": "/etc/pufa/tls/fullchain.pem",
    "TLS_CERTIFICATE_KEY": "/etc/pufa/tls/privkey.pem",
    "REPLICAS": "2",
    "GUNICORN_WORKERS": "2",
    "WORKERS": "2",
    "PORT_BASE": "9000",
    "INTERNAL_PORT_BASE": "8100",
    "POSTGRES_HOST": "127.0.0.1",
    "POSTGRES_PORT": "5432",
    "REDIS_HOST": "127.0.0.1",
    "REDIS_PORT": "6379",
    "DB_POOL_SIZE": "5",
    "DB_MAX_OVERFLOW": "5",
    "MAX_BODY": "8m",
    "RUN_AS_USERS": "1",
}


def read_site_file(path):
    """KEY=value lines of a site.env (comments and blank lines skipped)."""
    settings = {}
    for line in Path(path).read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            settings[key.strip()] = value.strip().strip('"')
    return settings


def site(settings=None):
    """A Site from settings (a site.env's, or the environment), defaults for the rest."""
    values = {**DEFAULTS, **(settings if settings is not None else os.environ)}
    return Site(
        home=Path(values["PUFA_HOME"]),
        etc=Path(values["PUFA_ETC"]),
        state=Path(values["PUFA_STATE"]),
        server_name=values["SERVER_NAME"],
        https_port=int(values["HTTPS_PORT"]),
        http_port=int(values["HTTP_PORT"]),
        tls_certificate=values["TLS_CERTIFICATE"],
        tls_certificate_key=values["TLS_CERTIFICATE_KEY"],
        replicas=int(values["REPLICAS"]),
        gunicorn_workers=int(values["GUNICORN_WORKERS"]),
        workers=int(values["WORKERS"]),
        port_base=int(values["PORT_BASE"]),
        internal_port_base=int(values["INTERNAL_PORT_BASE"]),
        postgres_host=values["POSTGRES_HOST"],
        postgres_port=int(values["POSTGRES_PORT"]),
        redis_host=values["REDIS_HOST"],
        redis_port=int(values["REDIS_PORT"]),
        db_pool_size=int(values["DB_POOL_SIZE"]),
        db_max_overflow=int(values["DB_MAX_OVERFLOW"]),
        max_body=values["MAX_BODY"],
        run_as=values["RUN_AS_USERS"] == "1",
    )


class Program(NamedTuple):
    """One supervised process: a replica of a component, or a stats worker."""

    name: str  # unique: gateway-1, registry-2, worker-1
    component: str  # whose environment file (and system user) it runs with
    instance: str  # the systemd template's %i: the replica's port, the worker's number
    command: str  # with {port} filled in


# A process of ours in the description: the web components, the worker, the migrations.
WORKER = "worker"
IDENTITIES = (*BY_NAME, WORKER)


def replica_ports(site_, component):
    """The loopback ports of a component's replicas."""
    index = list(BY_NAME).index(component)
    first = site_.port_base + 10 * index
    return [first + n for n in range(site_.replicas)]


def internal_port(site_, service):
    """The loopback port of nginx's pool of a service's replicas (SERVICE_URLS point here)."""
    return site_.internal_port_base + 1 + SERVICES.index(service)


def server_command(site_, component, port="{port}"):
    """The gunicorn command of one replica of a component."""
    app = BY_NAME[component].app
    # No control socket: its default (~/.gunicorn/gunicorn.ctl) would be one for every
    # replica of a user, and a system user has no home; nothing here uses it.
    return (
        f"{site_.home}/.venv/bin/gunicorn -c {site_.home}/deploy/gunicorn.conf.py "
        f"--bind 127.0.0.1:{port} --no-control-socket '{app}()'"
    )


def worker_command(site_):
    """The command of one stats worker."""
    return f"{site_.home}/.venv/bin/python -m services.stats.worker"


def migrate_command(site_):
    """The one-shot migration step (each database under its advisory lock)."""
    return f"{site_.home}/.venv/bin/python -m deploy.migrate"


def programs(site_):
    """Every long-running process of the site, in the order they start."""
    found = []
    for component in (c.name for c in COMPONENTS):
        for number, port in enumerate(replica_ports(site_, component), start=1):
            found.append(
                Program(
                    f"{component}-{number}",
                    component,
                    str(port),
                    server_command(site_, component, port),
                )
            )
    for number in range(1, site_.workers + 1):
        found.append(Program(f"{WORKER}-{number}", WORKER, str(number), worker_command(site_)))
    return found


def pools(site_):
    """{component: [replica ports]}: nginx's upstreams (the gateway's is the public one)."""
    return {component.name: replica_ports(site_, component.name) for component in COMPONENTS}


def databases():
    """The components with a database of their own (one database and role each)."""
    return WITH_DATABASE
