"""Account rules: create, authenticate, issue and rotate tokens, disable, change passwords."""

import hashlib
import logging
import secrets
from datetime import timedelta

import redis
import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import scoped_session

from gateway.accounts.models import Account, RefreshToken, utcnow
from gateway.accounts.passwords import hash_password, needs_rehash, policy_problems, verify_password
from shared.auth import issue_token, publish_account, revoke_family
from shared.db import get_or_404, write_transaction, writing
from shared.errors import ApiError

log = logging.getLogger(__name__)
ACCOUNT_ROLES = ("admin", "leader", "staff", "advisor")


def standing(account):
    """What every component must know of an account (or a row of its columns) to judge
    its tokens."""
    return {
        "active": account.active,
        "generation": account.token_generation,
        "must_change_password": account.must_change_password,
    }


# Read before every request the gateway forwards: built once, not once a request.
STANDING_QUERY = sa.select(
    Account.active, Account.token_generation, Account.must_change_password
).where(Account.id == sa.bindparam("account_id"))


def standing_of(engine, account_id):
    """The standing of the account with this id, or None: only the columns it is made of,
    read on a connection of its own that is back in the pool before this returns."""
    with engine.connect() as connection:
        row = connection.execute(STANDING_QUERY, {"account_id": account_id}).one_or_none()
    return standing(row) if row is not None else None


def publish(account_id, account_standing):
    """Tell every component the account's standing (in Redis; see shared.auth)."""
    try:
        publish_account(current_app.extensions["redis"], account_id, **account_standing)
    except redis.RedisError:
        log.warning("account %s not published: Redis did not answer", account_id)


def _publish_after_commit(session, account):
    """Publish the account as it is now, once the change is committed (nothing if not)."""
    account_id, account_standing = account.id, standing(account)
    # On this request's own session: a listener on the scoped_session would be on every
    # session of every thread, and fire on another request's commit.
    own = session() if isinstance(session, scoped_session) else session
    event.listen(
        own,
        "after_commit",
        lambda _session: publish(account_id, account_standing),
        once=True,
    )


def _revoke_families_now(families):
    """Stop the access tokens of these refresh families at every component."""
    try:
        for family in families:
            revoke_family(
                current_app.extensions["redis"], family, current_app.config["ACCESS_TOKEN_TTL"]
            )
    except redis.RedisError:
        log.warning("refresh families not revoked in Redis: Redis did not answer")


def _digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def _invalid_grant(message, code="invalid_grant"):
    return ApiError(401, message, code=code)


def _check_password_policy(password, username):
    problems = policy_problems(password, username)
    if problems:
        raise ApiError(422, "The new password is not acceptable.", fields={"password": problems})


def get_account(session, *, account_id):
    """One account by id, or 404."""
    return get_or_404(session, Account, account_id, "account")


def get_all(session):
    """Every account, oldest first."""
    return session.scalars(sa.select(Account).order_by(Account.id)).all()


@writing
def create_account(session, *, username, password, role, scope=None, display_name=""):
    """Create an account; 409 if the username is taken, 422 if the password is weak."""
    taken = session.scalar(sa.select(Account.id).where(Account.username == username))
    if taken is not None:
        raise ApiError(409, f"The username {username!r} is already taken.")
    _check_password_policy(password, username)
    account = Account(
        username=username,
        display_name=display_name,
        password_hash=hash_password(password),
        role=role,
        scope=scope or {},
    )
    session.add(account)
    session.flush()
    return account


def authenticate(session, *, username, password):
    """The active account with these credentials, or 401 without saying which part was
    wrong: a disabled account answers the same, right password or wrong."""
    account = session.scalar(sa.select(Account).where(Account.username == username))
    if not verify_password(account.password_hash if account else None, password):
        raise _invalid_grant("The username or password is wrong.", "invalid_credentials")
    if not account.active:
        raise _invalid_grant("The username or password is wrong.", "invalid_credentials")
    if needs_rehash(account.password_hash):
        with write_transaction(session):
            account.password_hash = hash_password(password)
    return account


@writing
def issue_token_pair(session, account, *, family=None, logging_in=False):
    """A short-lived access token and a new refresh token (stored hashed) for the account;
    `logging_in` (a password grant) notes the login too, in the same transaction."""
    config = current_app.config
    if logging_in:
        account.last_login_at = utcnow()
    refresh_token = secrets.token_urlsafe(32)
    family = family or secrets.token_hex(16)
    session.add(
        RefreshToken(
            account_id=account.id,
            family=family,
            token_hash=_digest(refresh_token),
            expires_at=utcnow() + timedelta(seconds=config["REFRESH_TOKEN_TTL"]),
        )
    )
    access_token = issue_token(
        config["TOKEN_SIGNING_KEY"],
        subject=account.id,
        role=account.role,
        scope=account.scope,
        ttl_seconds=config["ACCESS_TOKEN_TTL"],
        generation=account.token_generation,
        family=family,
    )
    _publish_after_commit(session, account)
    return {
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": config["ACCESS_TOKEN_TTL"],
        "refresh_token": refresh_token,
        "refresh_expires_in": config["REFRESH_TOKEN_TTL"],
        "must_change_password": account.must_change_password,
    }


@writing
def rotate_refresh_token(session, *, refresh_token):
    """Spend a refresh token for a new pair. A token used twice revokes its whole family."""
    stored = session.scalar(
        sa.select(RefreshToken).where(RefreshToken.token_hash == _digest(refresh_token))
    )
    if stored is None or stored.revoked_at is not None:
        raise _invalid_grant("The refresh token is not valid.")
    if stored.used_at is not None and not _answer_may_be_lost(session, stored):
        # Someone replayed a spent token: whoever holds the family may be an attacker.
        _revoke(session, RefreshToken.family == stored.family)
        session.commit()  # the revocation stands, though this grant is refused
        _revoke_families_now([stored.family])
        raise _invalid_grant("The refresh token was already used; log in again.", "token_reused")
    if stored.expires_at <= utcnow():
        raise _invalid_grant("The refresh token has expired; log in again.")
    account = session.get(Account, stored.account_id)
    if not account.active:
        raise _invalid_grant("This account is disabled.", "account_disabled")
    # A grant repeated within the grace keeps its first use's time: the grace never grows.
    stored.used_at = stored.used_at or utcnow()
    return issue_token_pair(session, account, family=stored.family)


def _answer_may_be_lost(session, stored):
    """Whether a spent token's answer may never have reached its holder: it was spent
    within the grace, and no token of its family has been spent since. A replica that
    died after the spend, or a phone that lost the answer, then sends the same grant
    again (nginx passes a POST on to the next replica), and gets a pair, not a logout."""
    grace = timedelta(seconds=current_app.config["REFRESH_REUSE_GRACE"])
    if utcnow() - stored.used_at > grace:
        return False
    spent_since = session.scalar(
        sa.select(sa.func.count())
        .select_from(RefreshToken)
        .where(RefreshToken.family == stored.family, RefreshToken.used_at > stored.used_at)
    )
    return spent_since == 0


def _revoke(session, condition):
    session.execute(
        sa.update(RefreshToken)
        .where(condition, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


@writing
def log_out(session, *, refresh_token):
    """Revoke the refresh token's family (this device's session). Unknown tokens are ignored."""
    stored = session.scalar(
        sa.select(RefreshToken).where(RefreshToken.token_hash == _digest(refresh_token))
    )
    if stored is not None:
        _revoke(session, RefreshToken.family == stored.family)
        _revoke_families_now([stored.family])


@writing
def set_active(session, *, account_id, active):
    """Enable or disable an account; disabling kills its refresh tokens at once."""
    account = get_account(session, account_id=account_id)
    account.active = active
    if not active:
        _revoke(session, RefreshToken.account_id == account.id)
    _publish_after_commit(session, account)
    return account


@writing
def reset_password(session, *, account_id, new_password):
    """An admin sets a new password: the holder must change it, and every session ends."""
    account = get_account(session, account_id=account_id)
    _check_password_policy(new_password, account.username)
    account.password_hash = hash_password(new_password)
    account.must_change_password = True
    _end_every_session(session, account)
    return account


@writing
def change_password(session, *, account_id, current_password, new_password):
    """The holder changes their password; every session of the account ends."""
    account = get_account(session, account_id=account_id)
    if not verify_password(account.password_hash, current_password):
        raise ApiError(
            422, "The current password is wrong.", fields={"current_password": ["Is wrong."]}
        )
    _check_password_policy(new_password, account.username)
    account.password_hash = hash_password(new_password)
    account.must_change_password = False
    _end_every_session(session, account)
    return account


def _end_every_session(session, account):
    """Revoke every refresh token and, by a new generation, every access token."""
    _revoke(session, RefreshToken.account_id == account.id)
    account.token_generation += 1
    _publish_after_commit(session, account)
