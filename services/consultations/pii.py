"""Residents' personal data: encrypted at rest (Fernet, key from the environment), keyed
fingerprints for idempotency, checks and masks for the national ID number."""

import hashlib
import hmac
import json
from datetime import date

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app

from shared.json_text import canonical_json

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"


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


def id_number_problem(value):
    """What is wrong with a PRC resident ID number (GB 11643), or None when it is valid."""
    value = value.upper()
    if len(value) != 18 or not value[:17].isdigit() or value[17] not in "0123456789X":
        return "Must be 18 characters: 17 digits and a check digit or X."
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "The date of birth in it is not a date."
    total = sum(int(digit) * weight for digit, weight in zip(value[:17], ID_WEIGHTS, strict=True))
    if ID_CHECK_CHARS[total % 11] != value[17]:
        return "The check digit is wrong."
    return None


def mask_id_number(value):
    """6532**********123X: region and last four only."""
    return value[:4] + "*" * (len(value) - 8) + value[-4:] if value else value


__all__ = ["InvalidToken", "decrypt_json", "encrypt_json", "id_number_problem", "keyed_digest"]
