"""A registry write: one write transaction, committed, then announced, so the recording
services' copies of the tree and assignments are stale at once (shared.registry_client)."""

import functools

from flask import current_app

from shared.db import writing
from shared.registry_client import announce_change


def registry_write(function):
    """Run a registry service function `function(session, ...)` in one write transaction
    and announce the change once it is committed."""
    written = writing(function)

    @functools.wraps(function)
    def announced(session, *args, **kwargs):
        result = written(session, *args, **kwargs)
        announce_change(current_app.extensions["redis"])
        return result

    return announced
