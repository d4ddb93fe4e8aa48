"""Brute-force protection for logins: failures slow an account and an address, then lock them.

After `free_failures` failed logins, each further attempt must wait 2, 4, 8 ... seconds after
the last failure; after `lock_after` failures the account (or address) is refused for
`lock_seconds`. Counts live in Redis, so every gateway replica sees them. A success clears
the account's count.
"""

import logging
import time
from dataclasses import dataclass

import redis

from shared.errors import ApiError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ThrottlePolicy:
    free_failures: int = 3
    lock_after: int = 10
    lock_seconds: int = 900
    address_factor: int = 3  # an address may fail this many times more than one account


class LoginThrottle:
    """Failed-login counters per account and per client address."""

    def __init__(self, connection, policy=None):
        self.redis = connection
        self.policy = policy or ThrottlePolicy()

    def _keys(self, username, address):
        return {
            f"login-fail:account:{username.lower()}": 1,
            f"login-fail:address:{address}": self.policy.address_factor,
        }

    def wait_seconds(self, failures, last_failure, factor=1, now=None):
        """How long one must still wait before the next attempt is heard."""
        policy = self.policy
        elapsed = (now or time.time()) - last_failure
        if failures >= policy.lock_after * factor:
            return max(0.0, policy.lock_seconds - elapsed)
        if failures > policy.free_failures * factor:
            return max(0.0, 2 ** (failures - policy.free_failures * factor) - elapsed)
        return 0.0

    def check(self, username, address):
        """Raise 429 with Retry-After while the account or the address must wait."""
        try:
            for key, factor in self._keys(username, address).items():
                state = self.redis.hgetall(key)
                if not state:
                    continue
                wait = self.wait_seconds(int(state[b"n"]), float(state[b"t"]), factor)
                if wait > 0:
                    raise ApiError(
                        429,
                        "Too many failed logins; wait before trying again.",
                        code="login_throttled",
                        headers={"Retry-After": str(int(wait) + 1)},
                    )
        except redis.RedisError:
            # Fail open: staff must still be able to log in while Redis is away.
            log.warning("login throttle unavailable: Redis did not answer")

    def failed(self, username, address):
        """Count one failed login against the account and the address."""
        try:
            with self.redis.pipeline() as pipe:
                for key in self._keys(username, address):
                    pipe.hincrby(key, "n", 1)
                    pipe.hset(key, "t", time.time())
                    pipe.expire(key, self.policy.lock_seconds)
                pipe.execute()
        except redis.RedisError:
            log.warning("login throttle unavailable: Redis did not answer")

    def succeeded(self, username):
        """Forget the account's failures after a successful login."""
        try:
            self.redis.delete(f"login-fail:account:{username.lower()}")
        except redis.RedisError:
            log.warning("login throttle unavailable: Redis did not answer")
