"""Settings read from the environment once, at start, with safe defaults for `make run`.

`load_config(component)` is the one place a component's settings are read: every other
module takes them from the app's config. Under ENV=production nothing that decides where
data goes may be left to a default: the component's database URL and REDIS_URL are
required, and the process refuses to start naming what is missing.
"""

import os
import secrets
from pathlib import Path

from shared.components import BY_NAME, COMPONENTS, SERVICES

REPO_ROOT = Path(__file__).resolve().parent.parent
REDIS_PORT = 6390
DEFAULT_PORTS = {component.name: component.port for component in COMPONENTS} | {"redis": REDIS_PORT}

# The components that keep personal data, encrypted with PII_ENCRYPTION_KEY.
PII_HOLDERS = ("activities", "consultations")

# Demo-only keys: good enough for `make run` on a laptop, refused unless ENV is exactly
# `development` (the default): `Production`, `prod`, `staging` all need real keys.
DEVELOPMENT = "development"
DEMO_TOKEN_SIGNING_KEY = "demo-only-signing-key-do-not-use-in-production-0000"
DEMO_PII_ENCRYPTION_KEY = "ZGVtby1vbmx5LXBpaS1rZXktbm90LWZvci1wcm9kISE="  # Fernet, demo only


class ConfigError(RuntimeError):
    """A setting is missing or unsafe for the environment the process runs in."""


def port_of(component, environ=os.environ):
    """The TCP port a component listens on, from `<COMPONENT>_PORT` or its default."""
    return int(environ.get(f"{component.upper()}_PORT", DEFAULT_PORTS[component]))


def var_dir(environ=os.environ):
    """The folder that holds databases, Redis data and sockets (git-ignored)."""
    return Path(environ.get("VAR_DIR", REPO_ROOT / "var"))


def owner_only_file(path, text):
    """Write `text` to a file only its owner may read (created so from the start)."""
    path = Path(path)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(text)
    os.chmod(path, 0o600)  # an older file keeps its mode through O_CREAT


def embedded_redis_password(environ=os.environ):
    """The embedded Redis's password: generated once into var/secrets/ (owner-only)."""
    path = var_dir(environ) / "secrets" / "redis-password"
    if not path.exists():
        owner_only_file(path, secrets.token_urlsafe(32))
    return path.read_text().strip()


def redis_url(environ=os.environ):
    """The Redis URL: REDIS_URL when set, else the embedded Redis on its own port, with
    its generated password (the embedded Redis refuses every unauthenticated client)."""
    if environ.get("REDIS_URL"):
        return environ["REDIS_URL"]
    password = embedded_redis_password(environ)
    return f"redis://:{password}@127.0.0.1:{port_of('redis', environ)}/0"


def max_content_length(environ=os.environ):
    """The largest request body any component reads (bytes; 8 MiB by default)."""
    return int(environ.get("MAX_CONTENT_LENGTH", str(8 * 1024 * 1024)))


def database_variable(component):
    """The environment variable that names a component's database."""
    return f"{component.upper()}_DATABASE_URL"


def database_url(component, environ=os.environ):
    """The SQLAlchemy URL of a component's own database (SQLite file by default)."""
    default = f"sqlite:///{var_dir(environ) / component / f'{component}.db'}"
    return environ.get(database_variable(component), default)


def service_url(component, environ=os.environ):
    """The base URL other processes use to reach a component."""
    default = f"http://127.0.0.1:{port_of(component, environ)}"
    return environ.get(f"{component.upper()}_URL", default).rstrip("/")


# Inner calls time out before outer ones: a service asking the registry gives up (and
# answers its own 503) well before the gateway stops waiting for that service.
INNER_READ_TIMEOUT = "5"
PROXY_READ_TIMEOUT = "15"


def _gateway_settings(environ):
    return {
        "PROXY_READ_TIMEOUT": float(environ.get("PROXY_READ_TIMEOUT", PROXY_READ_TIMEOUT)),
        "ACCESS_TOKEN_TTL": int(environ.get("ACCESS_TOKEN_TTL", "600")),
        "REFRESH_TOKEN_TTL": int(environ.get("REFRESH_TOKEN_TTL", str(30 * 24 * 3600))),
        # A spent refresh token presented again this soon, before its successor was used,
        # is taken as the same grant whose answer was lost (a crashed replica), not a theft.
        "REFRESH_REUSE_GRACE": int(environ.get("REFRESH_REUSE_GRACE", "30")),
        "RATE_LIMIT_PER_CALLER": environ.get("RATE_LIMIT_PER_CALLER", "600 per minute"),
        "RATE_LIMIT_PER_ADDRESS": environ.get("RATE_LIMIT_PER_ADDRESS", "1200 per minute"),
        # Behind nginx (production) 1: the caller's address is the one nginx saw, taken from
        # the X-Forwarded-For it sets; 0 (make run) trusts no such header.
        "TRUSTED_PROXY_HOPS": int(environ.get("TRUSTED_PROXY_HOPS", "0")),
    }


def _stats_settings(environ):
    categories = environ.get("STATS_SENSITIVE_CATEGORIES", "婚恋,家庭")
    return {
        # the worker's scheduled catch-up, should an announcement of a change be lost
        "STATS_SYNC_INTERVAL": float(environ.get("STATS_SYNC_INTERVAL", "3")),
        # one sync per source at a time: a killed worker's lock lapses after this long
        "STATS_LOCK_SECONDS": int(environ.get("STATS_LOCK_SECONDS", "30")),
        # how long a rebuild waits for a recording service to sum its records
        "STATS_AGGREGATE_TIMEOUT": float(environ.get("STATS_AGGREGATE_TIMEOUT", "600")),
        # small cells: consultation counts of these categories below the threshold, in a
        # village, are shown to leaders as "<threshold" (services/stats/suppression.py)
        "SENSITIVE_CATEGORIES": tuple(c.strip() for c in categories.split(",") if c.strip()),
        "SUPPRESS_BELOW": int(environ.get("STATS_SUPPRESS_BELOW", "5")),
    }


# What only one component reads.
OWN_SETTINGS = {"gateway": _gateway_settings, "stats": _stats_settings}


def load_config(component, overrides=None, environ=os.environ):
    """A component's settings (its Flask config) from the environment, then overrides;
    refused (ConfigError) when unsafe or, in production, incomplete."""
    overrides = overrides or {}
    config = {
        "ENV_NAME": environ.get("ENV", DEVELOPMENT),
        "COMPONENT": component,
        "DATABASE_URL": database_url(component, environ),
        "REDIS_URL": redis_url(environ),
        "TOKEN_SIGNING_KEY": environ.get("TOKEN_SIGNING_KEY", DEMO_TOKEN_SIGNING_KEY),
        # only the components that keep residents' and attendees' data need (and get) it
        "PII_ENCRYPTION_KEY": environ.get(
            "PII_ENCRYPTION_KEY",
            DEMO_PII_ENCRYPTION_KEY if component in PII_HOLDERS else None,
        ),
        "HTTP_CONNECT_TIMEOUT": float(environ.get("HTTP_CONNECT_TIMEOUT", "2")),
        "HTTP_READ_TIMEOUT": float(environ.get("HTTP_READ_TIMEOUT", INNER_READ_TIMEOUT)),
        "MAX_CONTENT_LENGTH": max_content_length(environ),
        # per process, on PostgreSQL: see shared.db.make_engine
        "DB_POOL_SIZE": int(environ.get("DB_POOL_SIZE", "5")),
        "DB_MAX_OVERFLOW": int(environ.get("DB_MAX_OVERFLOW", "10")),
        "SERVICE_URLS": {name: service_url(name, environ) for name in SERVICES},
        "LOG_LEVEL": environ.get("LOG_LEVEL", "INFO"),
        # how long a Redis outage may last while tokens are still judged by the standing
        # this process last read (shared.auth.check_standing)
        "STANDING_GRACE_SECONDS": float(environ.get("STANDING_GRACE_SECONDS", "30")),
    }
    if component in OWN_SETTINGS:
        config.update(OWN_SETTINGS[component](environ))
    config.update(overrides)
    check_config(config)
    if config["ENV_NAME"] == "production":
        _require_in_production(component, environ, overrides)
    return config


def _require_in_production(component, environ, overrides):
    """Refuse to start in production with a database or Redis left to its default."""
    required = {"REDIS_URL": "REDIS_URL"}
    if component in BY_NAME and BY_NAME[component].database:
        required[database_variable(component)] = "DATABASE_URL"
    missing = [
        name for name, key in required.items() if not environ.get(name) and key not in overrides
    ]
    if missing:
        raise ConfigError(f"ENV=production: {component} needs {', '.join(sorted(missing))} set")


def check_config(config):
    """Refuse, loudly, settings that are unsafe: the demo keys anywhere but development."""
    key = config["TOKEN_SIGNING_KEY"]
    where = config["ENV_NAME"]
    if where != DEVELOPMENT and key == DEMO_TOKEN_SIGNING_KEY:
        raise ConfigError(f"TOKEN_SIGNING_KEY must be set (ENV={where!r}); the demo key is refused")
    if len(key.encode()) < 32:
        raise ConfigError("TOKEN_SIGNING_KEY must be at least 32 bytes long")
    inner = config["HTTP_CONNECT_TIMEOUT"] + config["HTTP_READ_TIMEOUT"]
    if "PROXY_READ_TIMEOUT" in config and config["PROXY_READ_TIMEOUT"] <= inner:
        raise ConfigError(
            "PROXY_READ_TIMEOUT must be longer than HTTP_CONNECT_TIMEOUT + HTTP_READ_TIMEOUT: "
            "the gateway must outwait the services' own calls"
        )
    pii_key = config["PII_ENCRYPTION_KEY"]
    if config["COMPONENT"] in PII_HOLDERS and not pii_key:
        raise ConfigError(f"PII_ENCRYPTION_KEY must be set for {config['COMPONENT']}")
    if where != DEVELOPMENT and pii_key == DEMO_PII_ENCRYPTION_KEY:
        raise ConfigError(
            f"PII_ENCRYPTION_KEY must be set (ENV={where!r}); the demo key is refused"
        )
