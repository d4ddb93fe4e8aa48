"""Password hashing with Argon2id (memory-hard), and the password policy."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2-cffi's defaults: Argon2id, 64 MiB, 3 passes
MIN_LENGTH = 10

# A valid hash to verify against when the account does not exist, so that an unknown
# username costs as much time as a wrong password and names cannot be probed by timing.
_DUMMY_HASH = _hasher.hash("no-such-account-placeholder")


def hash_password(password):
    """Hash a password for storage."""
    return _hasher.hash(password)


def verify_password(stored_hash, password):
    """Whether `password` matches the stored hash (constant work for a missing account)."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash):
    """Whether the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(stored_hash)


def policy_problems(password, username=""):
    """What is wrong with a new password, as messages (empty when it is acceptable)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Must be at least {MIN_LENGTH} characters long.")
    if username and username.lower() in password.lower():
        problems.append("Must not contain the username.")
    return problems
