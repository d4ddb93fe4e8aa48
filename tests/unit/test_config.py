"""Configuration comes from the environment; unsafe production settings fail at start."""

import pytest

from shared.config import DEMO_TOKEN_SIGNING_KEY, ConfigError, load_config
from tests.support.processes import ServiceProcess, component_env

PRODUCTION_PLACES = {
    "REDIS_URL": "redis://cache:6379/0",
    "REGISTRY_DATABASE_URL": "postgresql://db/r",
}
PRODUCTION_KEYS = {
    "ENV": "production",
    "TOKEN_SIGNING_KEY": "k" * 48,
    "PII_ENCRYPTION_KEY": "cHJvZHVjdGlvbi1rZXktMzItYnl0ZXMtbG9uZy0wMDA=",
}


def test_defaults_are_embedded():
    config = load_config("registry", environ={})
    assert config["DATABASE_URL"].startswith("sqlite:///")
    assert config["DATABASE_URL"].endswith("registry/registry.db")
    # The embedded Redis, with the password generated for it.
    assert config["REDIS_URL"].startswith("redis://:") and config["REDIS_URL"].endswith(
        "@127.0.0.1:6390/0"
    )
    assert config["SERVICE_URLS"]["stats"] == "http://127.0.0.1:8004"


def test_environment_overrides_defaults():
    environ = {
        "REDIS_URL": "redis://cache:6379/2",
        "REGISTRY_DATABASE_URL": "postgresql://db/registry",
        "ACTIVITIES_PORT": "9102",
    }
    config = load_config("registry", environ=environ)
    assert config["REDIS_URL"] == "redis://cache:6379/2"
    assert config["DATABASE_URL"] == "postgresql://db/registry"
    assert config["SERVICE_URLS"]["activities"] == "http://127.0.0.1:9102"


def test_production_refuses_the_demo_key():
    with pytest.raises(ConfigError, match="TOKEN_SIGNING_KEY"):
        load_config("registry", environ={"ENV": "production"})
    with pytest.raises(ConfigError, match="TOKEN_SIGNING_KEY"):
        load_config(
            "registry", environ={"ENV": "production", "TOKEN_SIGNING_KEY": DEMO_TOKEN_SIGNING_KEY}
        )


def test_production_accepts_real_keys_and_refuses_the_demo_pii_key():
    key = "k" * 48
    with pytest.raises(ConfigError, match="PII_ENCRYPTION_KEY"):
        load_config("consultations", environ={"ENV": "production", "TOKEN_SIGNING_KEY": key})
    pii_key = "cHJvZHVjdGlvbi1rZXktMzItYnl0ZXMtbG9uZy0wMDA="
    config = load_config(
        "consultations",
        environ=PRODUCTION_PLACES
        | {"CONSULTATIONS_DATABASE_URL": "postgresql://db/c"}
        | {"ENV": "production", "TOKEN_SIGNING_KEY": key, "PII_ENCRYPTION_KEY": pii_key},
    )
    assert config["TOKEN_SIGNING_KEY"] == key and config["PII_ENCRYPTION_KEY"] == pii_key


def test_a_component_without_personal_data_is_not_given_the_pii_key():
    environ = PRODUCTION_PLACES | {"ENV": "production", "TOKEN_SIGNING_KEY": "k" * 48}
    assert load_config("registry", environ=environ)["PII_ENCRYPTION_KEY"] is None
    assert load_config("registry", environ={})["PII_ENCRYPTION_KEY"] is None
    with pytest.raises(ConfigError, match="PII_ENCRYPTION_KEY"):
        load_config("activities", environ=environ)


@pytest.mark.parametrize("where", ["Production", "prod", "staging", "PRODUCTION", "test", ""])
def test_anything_but_development_refuses_the_demo_keys(where):
    with pytest.raises(ConfigError, match="TOKEN_SIGNING_KEY"):
        load_config("registry", environ={"ENV": where})
    with pytest.raises(ConfigError, match="PII_ENCRYPTION_KEY"):
        load_config("activities", environ={"ENV": where, "TOKEN_SIGNING_KEY": "k" * 48})
    assert load_config("registry", environ={"ENV": "development"})["ENV_NAME"] == "development"


def test_short_keys_are_refused():
    with pytest.raises(ConfigError, match="32 bytes"):
        load_config("registry", environ={"TOKEN_SIGNING_KEY": "short"})


def test_production_needs_every_database_url_and_redis_named():
    with pytest.raises(ConfigError, match="ACTIVITIES_DATABASE_URL, REDIS_URL"):
        load_config("activities", environ=PRODUCTION_KEYS)
    with pytest.raises(ConfigError, match=r"needs REDIS_URL, STATS_DATABASE_URL set"):
        load_config("stats", environ=PRODUCTION_KEYS)  # its database: the publications
    given = {"REDIS_URL": "redis://cache:6379/0", "ACTIVITIES_DATABASE_URL": "postgresql://db/a"}
    config = load_config("activities", environ=PRODUCTION_KEYS | given)
    assert config["DATABASE_URL"] == "postgresql://db/a"


def test_a_production_process_missing_its_database_refuses_to_start(tmp_path, redis_server):
    env = component_env(tmp_path, redis_server.url, PRODUCTION_KEYS)
    env.pop("CONSULTATIONS_DATABASE_URL", None)
    with pytest.raises(RuntimeError, match="CONSULTATIONS_DATABASE_URL"):
        ServiceProcess("consultations", env=env, var_dir=tmp_path)


def test_the_stats_worker_s_settings_are_read_with_the_rest():
    """Read once, into the stats component's settings; no other component carries them."""
    environ = {"STATS_SYNC_INTERVAL": "0.5", "STATS_LOCK_SECONDS": "7"}
    config = load_config("stats", environ=environ)
    assert (config["STATS_SYNC_INTERVAL"], config["STATS_LOCK_SECONDS"]) == (0.5, 7)
    assert config["STATS_AGGREGATE_TIMEOUT"] == 600
    assert "STATS_LOCK_SECONDS" not in load_config("activities", environ=environ)
