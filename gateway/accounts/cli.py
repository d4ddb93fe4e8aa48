"""Account commands: `flask --app gateway:create_app create-admin` and the demo logins."""

import click
from flask import current_app
from flask.cli import AppGroup

from gateway.accounts import service
from gateway.accounts.models import Account
from gateway.accounts.passwords import verify_password
from shared.config import DEVELOPMENT
from shared.db import get_db
from shared.errors import ApiError

accounts_cli = AppGroup("accounts", help="Manage accounts.")

# Demo-only logins for `make run`: created only when ENV is exactly `development`.
DEMO_ACCOUNTS = (
    ("admin", "pufa-demo-county", "admin", {}, "县司法局管理员 (demo)"),
    ("leader", "pufa-demo-figures", "leader", {}, "县领导 (demo)"),
    ("staff", "pufa-demo-village", "staff", {"township": "653222100"}, "喀拉喀什镇司法所 (demo)"),
    ("advisor", "pufa-demo-counsel", "advisor", {"advisor_id": "1"}, "村法律顾问 (demo)"),
)


@accounts_cli.command("create-admin")
@click.option("--username", required=True)
@click.password_option(envvar="ADMIN_PASSWORD", help="Prompted for, or from ADMIN_PASSWORD.")
def create_admin(username, password):
    """Create an admin account (the way to get the first one in production)."""
    session = get_db().session
    try:
        service.create_account(session, username=username, password=password, role="admin")
    except ApiError as exc:
        raise click.ClickException(f"{exc.message} {exc.fields or ''}".strip()) from None
    click.echo(f"created admin {username}")


@accounts_cli.command("seed-demo")
def seed_demo():
    """Create the demo admin, leader, staff and advisor logins that are missing (development
    only), and say of each whether its demo password still opens it."""
    if current_app.config["ENV_NAME"] != DEVELOPMENT:
        raise click.ClickException("demo accounts are created only when ENV=development")
    session = get_db().session
    for username, password, role, scope, name in DEMO_ACCOUNTS:
        account = session.query(Account).filter_by(username=username).first()
        if account is None:
            service.create_account(
                session,
                username=username,
                password=password,
                role=role,
                scope=scope,
                display_name=name,
            )
            state = ""
        elif not account.active:
            state = "  (disabled by an admin)"
        elif not verify_password(account.password_hash, password):
            state = "  (its password was changed: the demo one no longer opens it)"
        else:
            state = ""
        click.echo(f"  {role:<8} {username} / {password}{state}")
