"""Token verification: every service checks the caller's JWT itself, on every route.

Tokens are minted by the gateway (identity) and signed with TOKEN_SIGNING_KEY (HS256).
A route is protected unless it is marked `@public`; a missing, expired or forged token gets
401 in the shared error shape.

A signature proves who the gateway said the caller was, not that it still holds: the
gateway publishes each account's standing in Redis (`pufa:account:<id>`: active, the
token generation, whether the password must change) and each revoked refresh family
(`pufa:auth:revoked-family:<family>`, for as long as an access token lives). Every
component checks both on every request, so a token of an unknown or disabled account, one
issued before a logout, a password change or reset, or of a revoked family, stops at once.
"""

import logging
import time
import uuid
from dataclasses import dataclass, field

import jwt
import redis
from flask import current_app, g, request

from shared.errors import ApiError

log = logging.getLogger(__name__)

ISSUER = "pufa-gateway"
AUDIENCE = "pufa"
ALGORITHM = "HS256"
ROLES = ("admin", "leader", "staff", "advisor", "service")


@dataclass(frozen=True)
class Principal:
    """Who is calling: the token's subject, role and scope."""

    subject: str
    role: str
    scope: dict = field(default_factory=dict)
    token: str = ""
    generation: int = 0  # the account's token generation when the token was issued
    family: str = ""  # the refresh-token family (the device's session) it was issued in


def issue_token(
    key, *, subject, role, scope=None, ttl_seconds=900, now=None, generation=0, family=""
):
    """Mint a signed access token (used by the gateway, and by tests and tools)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    issued = int(now if now is not None else time.time())
    claims = {
        "sub": str(subject),
        "role": role,
        "scope": scope or {},
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": issued,
        "exp": issued + ttl_seconds,
        "jti": uuid.uuid4().hex,
        "gen": int(generation),
        "fam": family,
    }
    return jwt.encode(claims, key, algorithm=ALGORITHM)


# Tokens already verified, until they expire: a client sends the same token with every
# request for its 15 minutes, and checking it again gives the same answer until then.
_verified = {}
VERIFIED_CACHE_SIZE = 4096


def verify_token(token, key):
    """Check a token's signature, expiry, issuer and audience; return its Principal."""
    known = _verified.get((key, token))
    if known is not None and time.time() < known[1]:
        return known[0]
    principal, expires = _verify(token, key)
    if len(_verified) >= VERIFIED_CACHE_SIZE:
        _verified.clear()
    _verified[(key, token)] = (principal, expires)
    return principal


def _verify(token, key):
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "iss", "aud"]},
        )
    except jwt.ExpiredSignatureError:
        raise _unauthorized("The access token has expired.", "token_expired") from None
    except jwt.InvalidTokenError:
        raise _unauthorized("The access token is not valid.", "token_invalid") from None
    if claims.get("role") not in ROLES:
        raise _unauthorized("The access token carries an unknown role.", "token_invalid")
    generation = claims.get("gen", 0)
    if not isinstance(generation, int) or not isinstance(claims.get("fam", ""), str):
        raise _unauthorized("The access token is not valid.", "token_invalid")
    principal = Principal(
        claims["sub"],
        claims["role"],
        claims.get("scope") or {},
        token,
        generation=generation,
        family=claims.get("fam", ""),
    )
    return principal, claims["exp"]


ACCOUNT_KEY = "pufa:account:{}"
REVOKED_FAMILY_KEY = "pufa:auth:revoked-family:{}"


def publish_account(connection, account_id, *, active, generation, must_change_password):
    """Tell every component an account's standing (the gateway, after every change)."""
    connection.hset(
        ACCOUNT_KEY.format(account_id),
        mapping={
            "active": int(bool(active)),
            "generation": int(generation),
            "must_change_password": int(bool(must_change_password)),
        },
    )


def revoke_family(connection, family, ttl_seconds):
    """Refuse the access tokens of a refresh family from now on, for as long as one lives."""
    connection.set(REVOKED_FAMILY_KEY.format(family), "1", ex=max(int(ttl_seconds), 1))


def refuse_unless_standing(principal, *, known, active, generation, family_revoked):
    """401 for a token whose account is unknown or disabled, or that was issued before
    the account's current generation, or in a revoked family."""
    if not known:
        raise _unauthorized("This account is not known.", "account_unknown")
    if not active:
        raise ApiError(401, "This account is disabled.", code="account_disabled")
    if principal.generation < generation or family_revoked:
        raise _unauthorized("This session has ended; log in again.", "token_revoked")


def password_change_required():
    """403 while the account must change its password before anything else."""
    return ApiError(
        403, "Change your password before doing anything else.", code="password_change_required"
    )


# What this process last read of each session's standing, and when it first found Redis
# not answering in the outage it is in (None: none): a Redis outage is judged by them for
# a bounded time (docs/architecture.md).
_standings = {}
_outage = {"since": None}
STANDINGS_CACHE_SIZE = 4096


def check_standing(connection, principal, *, grace_seconds=30.0):
    """Refuse (401/403) a caller's token unless its account still stands as it did when
    the token was issued (read from Redis). While Redis does not answer, for up to
    `grace_seconds` after this process first found it so, the standing this process last
    read decides (a session it never saw passes on its signature); after that, 503.

    Counted from the failure this process met, not from its last answer: a process idle
    before the outage (one of several gunicorn workers) serves its first requests like a
    busy one. Through the public entry the gateway reads accounts from its own database,
    Redis or not; the grace bounds only what a caller on a service's own port may do."""
    key = (principal.subject, principal.family)
    try:
        with connection.pipeline(transaction=False) as pipe:
            pipe.hgetall(ACCOUNT_KEY.format(principal.subject))
            if principal.family:
                pipe.exists(REVOKED_FAMILY_KEY.format(principal.family))
            answers = pipe.execute()
    except redis.RedisError:
        since = _outage["since"] = _outage["since"] or time.monotonic()
        if time.monotonic() - since > grace_seconds:
            log.warning("account standing unknown: Redis has not answered for too long")
            raise ApiError(
                503,
                "The account's standing cannot be checked now; try again shortly.",
                code="standing_unknown",
                headers={"Retry-After": "5"},
            ) from None
        log.warning("account standing from this process's last reading: Redis did not answer")
        answers = _standings.get(key)
        if answers is None:
            return
    else:
        _outage["since"] = None
        if len(_standings) >= STANDINGS_CACHE_SIZE:
            _standings.clear()
        _standings[key] = answers
    standing = answers[0]
    family_revoked = len(answers) > 1 and bool(answers[1])
    if not standing and not principal.family:
        # Every token the gateway issues names its session (family). One that names none
        # was minted outside it, with the signing key (a tool, a test): with no standing
        # published for its subject there is nothing to hold it against.
        return
    refuse_unless_standing(
        principal,
        known=bool(standing),
        active=standing.get(b"active") == b"1",
        generation=int(standing.get(b"generation", 0)),
        family_revoked=family_revoked,
    )
    if standing.get(b"must_change_password") == b"1":
        raise password_change_required()


def _unauthorized(message, code):
    return ApiError(401, message, code=code, headers={"WWW-Authenticate": "Bearer"})


def public(view):
    """Mark a view (function or MethodView class) as callable without a token."""
    view.is_public = True
    return view


def make_endpoints_public(app, endpoints):
    """Let these endpoints (views we do not own, like the API document) answer without a token."""
    app.extensions.setdefault("public_endpoints", set()).update(endpoints)


def _is_public(app, endpoint):
    if endpoint is None:  # unmatched URL: let routing answer 404/405
        return True
    if endpoint in app.extensions.get("public_endpoints", ()):
        return True
    view = app.view_functions.get(endpoint)
    return getattr(view, "is_public", False) or getattr(
        getattr(view, "view_class", None), "is_public", False
    )


def current_principal():
    """The verified caller of the request being served."""
    return g.principal


def install_auth(app, check_accounts=True):
    """Require a valid bearer token on every route of the app that is not public, and
    (unless `check_accounts` is False: the gateway checks its own database) an account
    that still stands."""

    @app.before_request
    def authenticate():
        g.principal = None
        if _is_public(app, request.endpoint):
            return
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _unauthorized("A bearer access token is required.", "token_missing")
        g.principal = verify_token(token.strip(), current_app.config["TOKEN_SIGNING_KEY"])
        if check_accounts and g.principal.role != "service":
            check_standing(
                current_app.extensions["redis"],
                g.principal,
                grace_seconds=current_app.config["STANDING_GRACE_SECONDS"],
            )


def require_role(*roles):
    """Refuse (403) a caller whose role is not one of `roles`; use inside a view."""
    principal = current_principal()
    if principal is None or principal.role not in roles:
        raise ApiError(403, "Your role may not do this.", code="forbidden")
    return principal
