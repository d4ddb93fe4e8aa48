"""What `make run` loads on its development defaults, each part only where it is missing.

- the Moyu registry, only into an empty registry (never over what the admins keep);
- the demo logins that are missing (saying which no longer open with the demo password);
- the demo year, only into a year that holds no record, or to finish a load of it that
  was interrupted (its records keep their ids, so a second upload of one adds nothing).

Nothing here when ENV is not `development`, and nothing at all with DEMO_YEAR=0. Whatever
users did in between, a start does not fail because of their data: a part that cannot be
loaded says why in the banner.
"""

import json
import subprocess
import sys
from pathlib import Path

import requests

from deploy import demo_year
from shared.config import REPO_ROOT

REGISTRY = ("services.registry:create_app", ("registry", "load-moyu", "--if-empty"))
LOGINS = ("gateway:create_app", ("accounts", "seed-demo"))
DEMO_ADMIN_PASSWORD = "pufa-demo-county"


def _flask(env, app, arguments):
    command = [sys.executable, "-m", "flask", "--app", app, *arguments]
    done = subprocess.run(command, env=env, cwd=REPO_ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(arguments)} failed:\n{done.stderr[-2000:]}")
    return done.stdout.rstrip()


def _marker(env, year):
    return Path(env["VAR_DIR"]) / "demo" / f"{year}.json"


def _state(env, year):
    """ "loaded", "loading" (an interrupted load) or None (never started here)."""
    marker = _marker(env, year)
    return json.loads(marker.read_text())["state"] if marker.is_file() else None


def _mark(env, year, state):
    marker = _marker(env, year)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps({"state": state}))


def _records_in(admin, year):
    """Whether any activity or consultation (void ones too) is dated in the year."""
    span = {"from": f"{year}-01-01", "to": f"{year}-12-31", "include_void": "true", "limit": 1}
    for path in ("/activities/activities", "/consultations/consultations"):
        if admin.call("GET", path, params=span)["items"]:
            return True
    return False


def _demo_year(env):
    """Load the demo year if its year is empty (or its load was interrupted); say what."""
    year = demo_year.YEAR
    if _state(env, year) == "loaded":
        return f"  demo year {year}: loaded by an earlier start; left as the users keep it"
    gateway = f"http://127.0.0.1:{env['GATEWAY_PORT']}"
    try:
        admin = demo_year.Api(gateway, "admin", DEMO_ADMIN_PASSWORD)
    except requests.HTTPError:
        return f"  demo year {year}: not loaded (the demo admin no longer signs in)"
    if _state(env, year) is None and _records_in(admin, year):
        return f"  demo year {year}: not loaded (the year already holds records)"
    _mark(env, year, "loading")
    try:
        totals, admin = demo_year.load(gateway, DEMO_ADMIN_PASSWORD)
    except (RuntimeError, requests.RequestException) as exc:  # the next start resumes it
        return f"  demo year {year}: not completely loaded ({exc}); the next start goes on"
    _mark(env, year, "loaded")
    try:
        shown = demo_year.wait_for_figures(admin, totals)
    except RuntimeError as exc:
        return f"  demo year {year} loaded through the API; the figures lag: {exc}"
    figures = ", ".join(f"{name} {value:,}" for name, value in shown.items())
    return f"  demo year {year} loaded through the API; the stats show: {figures}"


def load(env):
    """Load what is missing of the demo data; return the banner's lines about it."""
    if env.get("ENV", "development") != "development":
        return (
            "  no demo data (ENV is not development): create an admin with `accounts create-admin`"
        )
    if env.get("DEMO_YEAR", "1") == "0":
        return "  no demo data (DEMO_YEAR=0): no registry, no logins, no demo year were loaded"
    lines = []
    for part, heading in (
        (REGISTRY, None),
        (LOGINS, "demo logins (demo only, never in production):"),
    ):
        try:
            printed = _flask(env, *part)
        except RuntimeError as exc:
            printed = f"  {exc}"
        lines += [f"  {heading}", printed] if heading else [printed]
    lines.append(_demo_year(env))
    return "\n".join(lines)
