"""Who may call a route, and within which scope: used by every service on every route.

Roles: `admin` (county bureau, everything), `leader` (reads figures and records, never
resident PII), `staff` (one township: scope {"township": code}), `advisor` (one registry
advisor: scope {"advisor_id": id}), `service` (internal components such as the worker).
"""

import functools

from shared.auth import current_principal, require_role
from shared.errors import ApiError

READERS = ("admin", "leader", "staff", "advisor")


def roles_allowed(*roles):
    """Let only these roles call the view; anyone else gets 403 before any input is read."""

    def decorate(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            require_role(*roles)
            return view(*args, **kwargs)

        guarded.allowed_roles = roles
        return guarded

    return decorate


def scope_of(principal, key):
    """One value of the caller's scope (for example the township of a staff member)."""
    return (principal.scope or {}).get(key)


def scoped_filter(principal, key, asked):
    """The filter a scoped caller lists by: its own scope `key`; asking for another one is
    a 403 out_of_scope, never its own records under a filter it did not ask for."""
    own = str(scope_of(principal, key))
    if asked is not None and str(asked) != own:
        raise ApiError(403, f"This is outside your {key}.", code="out_of_scope")
    return own


def require_in_scope(key, value, *, unrestricted=("admin",)):
    """Refuse (403) a caller whose scope `key` is not `value`, unless its role is unrestricted."""
    principal = current_principal()
    if principal.role in unrestricted:
        return principal
    if scope_of(principal, key) is None or str(scope_of(principal, key)) != str(value):
        raise ApiError(403, f"This is outside your {key}.", code="out_of_scope")
    return principal
