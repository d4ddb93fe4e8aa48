"""Personal data at rest (residents, attendees): encrypted with Fernet under
PII_ENCRYPTION_KEY, and fingerprinted with that key, so that neither a copy of a database
nor its digests name anyone."""

import hashlib
import hmac
import json

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app

from shared.json_text import canonical_json


def _cipher():
    return Fernet(current_app.config["PII_ENCRYPTION_KEY"].encode())


def encrypt_json(data):
    """Encrypt a JSON-able value for storage."""
    return _cipher().encrypt(json.dumps(data, ensure_ascii=False).encode()).decode()


def decrypt_json(token):
    """Decrypt what encrypt_json stored; a token under another key raises InvalidToken."""
    return json.loads(_cipher().decrypt(token.encode()))


def keyed_digest(data):
    """A fingerprint of content that holds personal data: keyed, so it cannot be guessed."""
    key = current_app.config["PII_ENCRYPTION_KEY"].encode()
    return hmac.new(key, canonical_json(data), hashlib.sha256).hexdigest()


def encrypted(column, doc):
    """A model attribute stored only encrypted, in `column`: read decrypted, set encrypted."""
    return property(
        lambda record: decrypt_json(getattr(record, column)),
        lambda record, value: setattr(record, column, encrypt_json(value)),
        doc=doc,
    )


__all__ = ["InvalidToken", "decrypt_json", "encrypt_json", "encrypted", "keyed_digest"]
