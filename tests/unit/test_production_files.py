"""What `python -m deploy.production secrets` and `render` write for an operator: each
component's secrets in its own file, kept across runs, and every engine's file from the one
description of the processes."""

import hashlib
import re
import stat

from deploy.production import render, secrets, topology
from shared.components import BY_NAME


def a_site(tmp_path, **settings):
    values = {"PUFA_ETC": str(tmp_path / "etc"), "PUFA_STATE": str(tmp_path / "state")}
    return topology.site(values | settings)


def written(site):
    return {path.name: path.read_text() for path in sorted(site.etc.glob("*")) if path.is_file()}


def test_each_component_gets_its_own_file_readable_by_it_only(tmp_path):
    site = a_site(tmp_path)
    secrets.write_secrets(site)
    env = {who: secrets.read_env_file(site.etc / f"{who}.env") for who in topology.IDENTITIES}
    for who in topology.IDENTITIES:
        assert stat.S_IMODE((site.etc / f"{who}.env").stat().st_mode) == 0o600
        assert env[who]["ENV"] == "production"
        assert env[who]["REDIS_URL"].startswith(f"redis://{who}:")
    assert len({env[who]["PUFA_REDIS_PASSWORD"] for who in env}) == len(env)
    # personal data's key goes to those who keep personal data, and nowhere else
    holders = {who for who in env if "PII_ENCRYPTION_KEY" in env[who]}
    assert holders == {"activities", "consultations"}
    assert env["activities"]["PII_ENCRYPTION_KEY"] == env["consultations"]["PII_ENCRYPTION_KEY"]
    # each its own database role; the worker works on the stats database as its role
    assert "pufa_registry:" in env["registry"]["REGISTRY_DATABASE_URL"]
    assert env["worker"]["STATS_DATABASE_URL"] == env["stats"]["STATS_DATABASE_URL"]
    assert "REGISTRY_DATABASE_URL" not in env["activities"]
    assert env["gateway"]["TRUSTED_PROXY_HOPS"] == "1"
    assert env["activities"]["REGISTRY_URL"] == f"http://127.0.0.1:{site.internal_port_base + 1}"


def test_a_second_run_keeps_every_secret(tmp_path):
    site = a_site(tmp_path)
    secrets.write_secrets(site)
    first = written(site)
    secrets.write_secrets(site)
    assert written(site) == first


def test_redis_knows_each_component_by_its_password_and_nobody_by_default(tmp_path):
    site = a_site(tmp_path)
    secrets.write_secrets(site)
    acl = (site.etc / "redis-users.acl").read_text().splitlines()
    assert acl[0] == "user default off"
    for who in topology.IDENTITIES:
        password = secrets.read_env_file(site.etc / f"{who}.env")["PUFA_REDIS_PASSWORD"]
        digest = hashlib.sha256(password.encode()).hexdigest()
        (line,) = [rule for rule in acl if rule.startswith(f"user {who} ")]
        assert f"#{digest}" in line and "-@admin" in line and password not in line
    roles = (site.etc / "postgresql-roles.sql").read_text()
    assert "REVOKE ALL ON DATABASE pufa_activities FROM PUBLIC;" in roles


def test_every_engine_file_follows_the_one_description(tmp_path):
    site = a_site(tmp_path, REPLICAS="3", WORKERS="4", PORT_BASE="9100")
    files = render.rendered_files(site)
    programs = re.findall(r"^\[program:(.+)\]$", files["supervisord.conf"], re.MULTILINE)
    assert len(programs) == 3 * len(BY_NAME) + 4
    assert "worker-4" in programs and "consultations-3" in programs
    upstream = re.search(r"upstream pufa_gateway \{(.*?)\}", files["nginx/pufa.conf"], re.S)
    assert re.findall(r"server 127.0.0.1:(\d+)", upstream.group(1)) == ["9100", "9101", "9102"]
    target = files["systemd/pufa.target"]
    assert "pufa-gateway@9102.service" in target and "pufa-worker@4.service" in target
    assert "--bind 127.0.0.1:%i" in files["systemd/pufa-activities@.service"]
    assert (
        "EnvironmentFile=" + str(site.etc / "worker.env") in files["systemd/pufa-worker@.service"]
    )
