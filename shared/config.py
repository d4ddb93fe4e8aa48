"""Configuration read from the environment, with safe defaults for `make run`."""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

SERVICES = ("registry", "activities", "consultations", "stats")
DEFAULT_PORTS = {
    "gateway": 8000,
    "registry": 8001,
    "activities": 8002,
    "consultations": 8003,
    "stats": 8004,
    "redis": 6390,
}

# Demo-only keys: good enough for `make run` on a laptop, refused in production.
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


def redis_url(environ=os.environ):
    """The Redis URL: REDIS_URL when set, else the embedded Redis on its own port."""
    return environ.get("REDIS_URL") or f"redis://127.0.0.1:{port_of('redis', environ)}/0"


def database_url(component, environ=os.environ):
    """The SQLAlchemy URL of a component's own database (SQLite file by default)."""
    default = f"sqlite:///{var_dir(environ) / component / f'{component}.db'}"
    return environ.get(f"{component.upper()}_DATABASE_URL", default)


def service_url(component, environ=os.environ):
    """The base URL other processes use to reach a component."""
    default = f"http://127.0.0.1:{port_of(component, environ)}"
    return environ.get(f"{component.upper()}_URL", default).rstrip("/")


def load_config(component, overrides=None, environ=os.environ):
    """Build a component's Flask config from the environment, then apply overrides."""
    env = environ.get("ENV", "development")
    config = {
        "ENV_NAME": env,
        "COMPONENT": component,
        "DATABASE_URL": database_url(component, environ),
        "REDIS_URL": redis_url(environ),
        "TOKEN_SIGNING_KEY": environ.get("TOKEN_SIGNING_KEY", DEMO_TOKEN_SIGNING_KEY),
        "PII_ENCRYPTION_KEY": environ.get("PII_ENCRYPTION_KEY", DEMO_PII_ENCRYPTION_KEY),
        "HTTP_CONNECT_TIMEOUT": float(environ.get("HTTP_CONNECT_TIMEOUT", "2")),
        "HTTP_READ_TIMEOUT": float(environ.get("HTTP_READ_TIMEOUT", "10")),
        "MAX_CONTENT_LENGTH": int(environ.get("MAX_CONTENT_LENGTH", str(8 * 1024 * 1024))),
        "SERVICE_URLS": {name: service_url(name, environ) for name in SERVICES},
        "LOG_LEVEL": environ.get("LOG_LEVEL", "INFO"),
    }
    config.update(overrides or {})
    check_config(config)
    return config


def check_config(config):
    """Refuse, loudly, settings that are unsafe in production."""
    key = config["TOKEN_SIGNING_KEY"]
    if config["ENV_NAME"] == "production" and key == DEMO_TOKEN_SIGNING_KEY:
        raise ConfigError("TOKEN_SIGNING_KEY must be set in production; the demo key is refused")
    if len(key.encode()) < 32:
        raise ConfigError("TOKEN_SIGNING_KEY must be at least 32 bytes long")
    if (
        config["ENV_NAME"] == "production"
        and config["PII_ENCRYPTION_KEY"] == DEMO_PII_ENCRYPTION_KEY
    ):
        raise ConfigError("PII_ENCRYPTION_KEY must be set in production; the demo key is refused")
