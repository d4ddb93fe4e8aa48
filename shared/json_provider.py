"""Flask's JSON, with one guard: a body nested too deeply for `json` (thousands of `[`) is
a ValueError, which Flask's `get_json` and webargs (shared.blueprint) both answer as a
400, not a RecursionError and a 500."""

import json

from flask.json.provider import DefaultJSONProvider


class GuardedJSONProvider(DefaultJSONProvider):
    """Flask's own provider; reading a body nested too deeply is a JSONDecodeError."""

    def loads(self, s, **kwargs):
        """Read JSON text as Flask does; too deep a nesting is a JSONDecodeError."""
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            # Not an empty document ("" reads as no body at all in webargs).
            raise json.JSONDecodeError("Nested too deeply", "[[[...", 0) from None
