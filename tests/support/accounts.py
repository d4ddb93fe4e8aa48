"""Real accounts on a running gateway: the first admin by CLI, the rest through the API."""

import subprocess
import sys

import requests

from shared.config import REPO_ROOT

PASSWORD = "correct-horse-battery"
ROLE_SCOPES = {
    "admin": {},
    "leader": {},
    "staff": {"township": "653222100"},
    "advisor": {"advisor_id": "1"},
}


def run_flask_command(env, app, *arguments):
    """Run a `flask --app APP ...` command as an operator would; fail on a non-zero exit."""
    command = [sys.executable, "-m", "flask", "--app", app, *arguments]
    result = subprocess.run(command, env=env, cwd=REPO_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def create_admin_by_cli(env, username, password=PASSWORD):
    """Run `flask accounts create-admin`, the password given through ADMIN_PASSWORD."""
    run_flask_command(
        {**env, "ADMIN_PASSWORD": password},
        "gateway:create_app",
        "accounts",
        "create-admin",
        "--username",
        username,
    )


def log_in(gateway_url, username, password=PASSWORD):
    """POST /auth/token with the password grant; return the answer."""
    return requests.post(
        f"{gateway_url}/api/v1/auth/token",
        json={"grant_type": "password", "username": username, "password": password},
        timeout=10,
    )


def bearer(token):
    """An Authorization header for an access token."""
    return {"Authorization": f"Bearer {token}"}


class Logins:
    """One account per role (plus a disabled one) on a gateway, each logged in."""

    def __init__(self, gateway_url, env):
        self.url = gateway_url
        create_admin_by_cli(env, "root-admin")
        admin = log_in(gateway_url, "root-admin").json()
        self.tokens = {"admin": admin["access_token"]}
        self.ids = {"admin": self.me(admin["access_token"])["id"]}
        for role, scope in ROLE_SCOPES.items():
            if role != "admin":
                self.add(f"user-{role}", role, scope)
        self.add("user-disabled", "staff", ROLE_SCOPES["staff"], key="disabled")
        disabled = requests.post(
            f"{gateway_url}/api/v1/accounts/{self.ids['disabled']}/disable",
            headers=bearer(self.tokens["admin"]),
            timeout=10,
        )
        assert disabled.status_code == 200, disabled.text

    def add(self, username, role, scope, key=None):
        """Create an account through the admin API and log it in."""
        created = requests.post(
            f"{self.url}/api/v1/accounts",
            json={"username": username, "password": PASSWORD, "role": role, "scope": scope},
            headers=bearer(self.tokens["admin"]),
            timeout=10,
        )
        assert created.status_code == 201, created.text
        key = key or role
        self.ids[key] = created.json()["id"]
        self.tokens[key] = log_in(self.url, username).json()["access_token"]
        return created.json()

    def me(self, token):
        """GET /me with a token."""
        return requests.get(f"{self.url}/api/v1/me", headers=bearer(token), timeout=10).json()

    def header(self, key):
        """The Authorization header of one of the logins."""
        return bearer(self.tokens[key])
