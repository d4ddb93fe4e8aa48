"""Write the engines' files of a site from its description (deploy/production/topology.py).

Into PUFA_ETC/generated/:
- nginx/nginx.conf, nginx/pufa.conf (+ pufa-proxy.conf, pufa-errors.conf): the public
  entry with TLS, its pools of gateway replicas, and an inner pool per service;
- systemd/: a template unit per component and the worker, the migration step, pufa.target;
- supervisord.conf: the same processes for a host without systemd;
- redis.conf: Redis with the components' ACL users and the append-only file.
"""

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from deploy.production import topology
from shared.components import BY_NAME, SERVICES

TEMPLATES = Path(__file__).parent / "templates"


def _templates():
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def unit_name(program):
    """The systemd unit of a program: an instance of its component's template."""
    return f"pufa-{program.component}@{program.instance}.service"


def rendered_files(site_, nginx_user=None):
    """{relative path: text} of every generated file."""
    templates = _templates()
    programs = topology.programs(site_)
    common = {"site": site_, "etc": site_.etc}
    files = {
        "nginx/nginx.conf": templates.get_template("nginx.conf.j2").render(
            **common, user=nginx_user
        ),
        "nginx/pufa.conf": templates.get_template("pufa-nginx.conf.j2").render(
            **common,
            pools=topology.pools(site_),
            internal={s: topology.internal_port(site_, s) for s in SERVICES},
        ),
        "nginx/pufa-proxy.conf": templates.get_template("pufa-proxy.conf.j2").render(**common),
        "nginx/pufa-errors.conf": templates.get_template("pufa-errors.conf.j2").render(**common),
        "supervisord.conf": templates.get_template("supervisord.conf.j2").render(
            **common, programs=programs, migrate=topology.migrate_command(site_)
        ),
        "redis.conf": templates.get_template("redis.conf.j2").render(**common),
        "systemd/pufa-migrate.service": templates.get_template("pufa-migrate.service.j2").render(
            **common, databases=topology.databases(), command=topology.migrate_command(site_)
        ),
        "systemd/pufa.target": templates.get_template("pufa.target.j2").render(
            **common, programs=[{"unit": unit_name(p)} for p in programs]
        ),
    }
    for component in BY_NAME:
        files[f"systemd/pufa-{component}@.service"] = templates.get_template(
            "pufa-component@.service.j2"
        ).render(
            **common,
            component=component,
            command=topology.server_command(site_, component, "%i"),
            instances=topology.replica_ports(site_, component),
        )
    files["systemd/pufa-worker@.service"] = templates.get_template(
        "pufa-worker@.service.j2"
    ).render(**common, command=topology.worker_command(site_))
    return files


def render(site_, nginx_user=None):
    """Write every generated file under PUFA_ETC/generated/; return their paths."""
    out = site_.etc / "generated"
    written = []
    for relative, text in rendered_files(site_, nginx_user).items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        written.append(path)
    return written
