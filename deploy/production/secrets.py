"""The site's secrets: one environment file per component, readable by that component only.

`python -m deploy.production secrets` writes them once into PUFA_ETC and keeps what is
already there (a second run adds what a new component needs and changes nothing else):

- `<component>.env`: ENV=production, the token key, its own database role and password,
  its own Redis user and password, where the others are (nginx's pools), and, for the
  components that keep personal data, the PII key;
- `redis-users.acl`: one Redis user per component (passwords stored as SHA-256 only), the
  default user off, and the operator's (its password in `operator.env`);
- `postgresql-roles.sql`: a role and a database per component, each role allowed to
  connect to its own database only (run once as the postgres superuser).
"""

import hashlib
import secrets
from pathlib import Path

from cryptography.fernet import Fernet

from deploy.production.topology import IDENTITIES, WORKER, databases, internal_port
from shared.components import SERVICES
from shared.config import PII_HOLDERS, database_variable, owner_only_file

# What a component may do in Redis: everything its clients (redis-py, RQ) use, nothing an
# operator keeps to themselves (ACL, CONFIG, SHUTDOWN, FLUSHALL, DEBUG, MODULE, ...).
REDIS_RULES = "~* &* +@all -@admin -@dangerous +info +client|setname +client|getname +client|id"
OPERATOR = "operator"  # Redis's user for the operator (operator.env: root's only)


def read_env_file(path):
    """KEY=value pairs of an environment file (systemd's EnvironmentFile syntax, unquoted)."""
    path = Path(path)
    if not path.exists():
        return {}
    pairs = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


def _password():
    # URL-safe and shell-safe: it goes into URLs and into unquoted environment files.
    return secrets.token_urlsafe(32)


def _shared_keys(earlier):
    """The token key and the PII key: an earlier run's (from any file holding one), else new."""

    def kept(name):
        return next((found[name] for found in earlier.values() if name in found), None)

    token_key = kept("TOKEN_SIGNING_KEY") or secrets.token_urlsafe(48)
    return token_key, kept("PII_ENCRYPTION_KEY") or Fernet.generate_key().decode()


def environment(site_, identity, earlier, token_key, pii_key, database_password=None):
    """The environment file's settings of one component (or of the stats worker, which
    works on the stats service's database as its role)."""
    component = "stats" if identity == WORKER else identity
    redis_password = earlier.get("PUFA_REDIS_PASSWORD") or _password()
    settings = {
        "ENV": "production",
        "VAR_DIR": str(site_.state / identity),
        "TOKEN_SIGNING_KEY": token_key,
        "PUFA_REDIS_PASSWORD": redis_password,
        "REDIS_URL": f"redis://{identity}:{redis_password}@{site_.redis_host}:{site_.redis_port}/0",
        "DB_POOL_SIZE": str(site_.db_pool_size),
        "DB_MAX_OVERFLOW": str(site_.db_max_overflow),
        "LOG_LEVEL": "INFO",
    }
    if component in databases():
        password = database_password or earlier.get("PUFA_DATABASE_PASSWORD") or _password()
        settings["PUFA_DATABASE_PASSWORD"] = password
        settings[database_variable(component)] = (
            f"postgresql+psycopg://pufa_{component}:{password}@"
            f"{site_.postgres_host}:{site_.postgres_port}/pufa_{component}"
        )
    if component in PII_HOLDERS:
        settings["PII_ENCRYPTION_KEY"] = pii_key
    for service in SERVICES:
        settings[f"{service.upper()}_URL"] = f"http://127.0.0.1:{internal_port(site_, service)}"
    if identity != WORKER:
        settings["WEB_CONCURRENCY"] = str(site_.gunicorn_workers)
    if identity == "gateway":
        settings["TRUSTED_PROXY_HOPS"] = "1"  # nginx in front sets X-Forwarded-For
    # What an earlier run wrote, or the operator changed by hand, stays as it is.
    return {**settings, **earlier}


def redis_acl(passwords, operator_password):
    """The text of Redis's ACL file: the default user off, one user per component, and the
    operator's (all commands: ACL LOAD after a password change, a flush to start over)."""
    lines = ["user default off"]
    for identity, password in passwords.items():
        digest = hashlib.sha256(password.encode()).hexdigest()
        lines.append(f"user {identity} on #{digest} {REDIS_RULES}")
    digest = hashlib.sha256(operator_password.encode()).hexdigest()
    lines.append(f"user {OPERATOR} on #{digest} ~* &* +@all")
    return "\n".join(lines) + "\n"


def postgresql_roles(passwords):
    """SQL for the superuser: a role and a database per component, connect to its own only."""
    statements = []
    for component, password in passwords.items():
        role = database = f"pufa_{component}"
        statements += [
            f"SELECT 'CREATE ROLE {role}' WHERE NOT EXISTS "
            f"(SELECT FROM pg_roles WHERE rolname = '{role}')\\gexec",
            f"ALTER ROLE {role} WITH LOGIN PASSWORD '{password}' NOSUPERUSER NOCREATEDB "
            "NOCREATEROLE;",
            f"SELECT 'CREATE DATABASE {database} OWNER {role}' WHERE NOT EXISTS "
            f"(SELECT FROM pg_database WHERE datname = '{database}')\\gexec",
            f"REVOKE ALL ON DATABASE {database} FROM PUBLIC;",
            f"GRANT CONNECT, TEMPORARY ON DATABASE {database} TO {role};",
        ]
    return "\n".join(statements) + "\n"


def write_secrets(site_):
    """Write (or complete) every environment file, the Redis ACL and the roles' SQL."""
    earlier = {identity: read_env_file(site_.etc / f"{identity}.env") for identity in IDENTITIES}
    token_key, pii_key = _shared_keys(earlier)
    redis_passwords, database_passwords = {}, {}
    for identity in IDENTITIES:
        path = site_.etc / f"{identity}.env"
        shared_role = database_passwords.get("stats") if identity == WORKER else None
        settings = environment(site_, identity, earlier[identity], token_key, pii_key, shared_role)
        owner_only_file(path, "".join(f"{key}={value}\n" for key, value in settings.items()))
        redis_passwords[identity] = settings["PUFA_REDIS_PASSWORD"]
        if "PUFA_DATABASE_PASSWORD" in settings and identity != WORKER:
            database_passwords[identity] = settings["PUFA_DATABASE_PASSWORD"]
    operator_file = site_.etc / f"{OPERATOR}.env"
    operator = read_env_file(operator_file).get("PUFA_REDIS_OPERATOR_PASSWORD") or _password()
    owner_only_file(operator_file, f"PUFA_REDIS_OPERATOR_PASSWORD={operator}\n")
    owner_only_file(site_.etc / "redis-users.acl", redis_acl(redis_passwords, operator))
    owner_only_file(site_.etc / "postgresql-roles.sql", postgresql_roles(database_passwords))
    return sorted(path.name for path in site_.etc.glob("*") if path.is_file())
