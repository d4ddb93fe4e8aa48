"""Token verification: every service checks the caller's JWT itself, on every route.

Tokens are minted by the gateway (identity) and signed with TOKEN_SIGNING_KEY (HS256).
A route is protected unless it is marked `@public`; a missing, expired or forged token gets
401 in the shared error shape.
"""

import time
import uuid
from dataclasses import dataclass, field

import jwt
from flask import current_app, g, request

from shared.errors import ApiError

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


def issue_token(key, *, subject, role, scope=None, ttl_seconds=900, now=None):
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
    principal = Principal(claims["sub"], claims["role"], claims.get("scope") or {}, token)
    return principal, claims["exp"]


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


def install_auth(app):
    """Require a valid bearer token on every route of the app that is not public."""

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


def require_role(*roles):
    """Refuse (403) a caller whose role is not one of `roles`; use inside a view."""
    principal = current_principal()
    if principal is None or principal.role not in roles:
        raise ApiError(403, "Your role may not do this.", code="forbidden")
    return principal
