"""At the gateway, a disabled account's still-unexpired access tokens stop working at once."""

from flask import g

from gateway.accounts.models import Account
from shared.db import get_db
from shared.errors import ApiError


def install_account_guard(app):
    """After the token is verified, refuse it if its account is gone or disabled."""

    @app.before_request
    def refuse_disabled_accounts():
        principal = g.get("principal")
        if principal is None or principal.role == "service":
            return
        account_id = int(principal.subject) if principal.subject.isdigit() else None
        session = get_db().session
        account = account_id and session.get(Account, account_id)
        active = bool(account and account.active)
        # The read ends here: the gateway holds nothing of its database while it forwards.
        session.close()
        if not active:
            raise ApiError(401, "This account is disabled.", code="account_disabled")
