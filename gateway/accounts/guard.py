"""At the gateway, a token stops working at once when its account no longer stands as it
did when the token was issued: disabled, unknown, a newer token generation (password
changed or reset), or a revoked refresh family (logged out). The account is read from the
gateway's own database; its standing is published again for the services if Redis lost it.
While an account must change its password, only that (and /me, logout) is allowed."""

import redis
from flask import current_app, g, request

from gateway.accounts.service import publish, standing_of
from shared.auth import (
    ACCOUNT_KEY,
    REVOKED_FAMILY_KEY,
    password_change_required,
    refuse_unless_standing,
)
from shared.db import get_db

# What an account that must change its password may still do.
WHILE_PASSWORD_MUST_CHANGE = {"auth.Password", "auth.Me", "auth.Logout", "auth.Token"}


def _in_redis(principal):
    """(whether the account's standing is published, whether the token's family is
    revoked), or (True, False) when Redis does not answer (the database still decides)."""
    connection = current_app.extensions["redis"]
    try:
        with connection.pipeline(transaction=False) as pipe:
            pipe.exists(ACCOUNT_KEY.format(principal.subject))
            pipe.exists(REVOKED_FAMILY_KEY.format(principal.family or "-"))
            published, revoked = pipe.execute()
    except redis.RedisError:
        return True, False
    return bool(published), bool(revoked)


def install_account_guard(app):
    """After the token is verified, refuse it unless its account still stands."""

    @app.before_request
    def refuse_stale_tokens():
        principal = g.get("principal")
        if principal is None or principal.role == "service":
            return
        account_id = int(principal.subject) if principal.subject.isdigit() else None
        # Not through the request's session: the gateway holds nothing of its database
        # while it forwards, and loads no more of the account than its standing.
        found = standing_of(get_db().engine, account_id) if account_id else None
        published, family_revoked = _in_redis(principal)
        refuse_unless_standing(
            principal,
            known=found is not None,
            active=bool(found and found["active"]),
            generation=found["generation"] if found else 0,
            family_revoked=family_revoked,
        )
        if not published:
            publish(account_id, found)
        if found["must_change_password"] and request.endpoint not in WHILE_PASSWORD_MUST_CHANGE:
            raise password_change_required()
