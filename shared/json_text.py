"""JSON texts the system stores: the canonical text a fingerprint is taken of, and the
compact text of history snapshots and feed payloads. Both sort keys and write dates in
ISO form; a fingerprint stored yesterday must match the text of the same content today."""

import json
from datetime import date, datetime


def _iso(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def stored_json(data):
    """Compact JSON for texts this system stores and reads back (history, feed)."""
    return canonical_json(data).decode()


def canonical_json(data):
    """The same content always gives the same JSON, as UTF-8 bytes (what fingerprints and
    cursors are made of)."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=_iso, separators=(",", ":"))
    return text.encode()
