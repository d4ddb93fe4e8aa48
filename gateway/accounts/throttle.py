"""Brute-force protection for logins: attempts slow an account at an address, and an
address, then lock them.

Every attempt is counted before its password is checked, in one Redis script that also
decides whether it may be heard, so concurrent guesses cannot slip past the count: after
`free_failures` attempts each further one must wait 2, 4, 8 ... seconds after the last;
after `lock_after` the pair is refused for `lock_seconds`. The account is counted together
with the address it is tried from: failing ten times as the admin locks the admin out only
at that address, never everywhere. The address alone is counted too, with room for
`address_factor` times more. A success clears its pair and gives the address back its
attempt. Counts live in Redis, so every gateway replica sees them.
"""

import logging
import time
from dataclasses import dataclass

import redis

from shared.errors import ApiError

log = logging.getLogger(__name__)

# KEYS: the counters; ARGV: now, free_failures, lock_after, lock_seconds, then one factor a
# key. Returns the seconds still to wait ("0": heard, and counted in every key).
RESERVE = """
local now = tonumber(ARGV[1])
local free, lock_after, lock_seconds = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local longest = 0
for i, key in ipairs(KEYS) do
  local factor = tonumber(ARGV[4 + i])
  local n = tonumber(redis.call('HGET', key, 'n') or '0')
  local elapsed = now - tonumber(redis.call('HGET', key, 't') or '0')
  local wait = 0
  if n >= lock_after * factor then
    wait = lock_seconds - elapsed
  elseif n > free * factor then
    wait = 2 ^ (n - free * factor) - elapsed
  end
  if wait > longest then longest = wait end
end
if longest > 0 then return tostring(longest) end
for _, key in ipairs(KEYS) do
  redis.call('HINCRBY', key, 'n', 1)
  redis.call('HSET', key, 't', ARGV[1])
  redis.call('EXPIRE', key, lock_seconds)
end
return '0'
"""


@dataclass(frozen=True)
class ThrottlePolicy:
    free_failures: int = 3
    lock_after: int = 10
    lock_seconds: int = 900
    address_factor: int = 3  # an address may fail this many times more than one account


def pair_key(username, address):
    """The counter of one account tried from one address."""
    return f"login-fail:account:{username.lower()}:address:{address}"


def address_key(address):
    """The counter of every account tried from one address."""
    return f"login-fail:address:{address}"


class LoginThrottle:
    """Login attempts counted per account at an address, and per address."""

    def __init__(self, connection, policy=None):
        self.redis = connection
        self.policy = policy or ThrottlePolicy()

    def attempt(self, username, address):
        """Count this attempt, or raise 429 with Retry-After while it must wait."""
        policy = self.policy
        try:
            wait = float(
                self.redis.eval(
                    RESERVE,
                    2,
                    pair_key(username, address),
                    address_key(address),
                    time.time(),
                    policy.free_failures,
                    policy.lock_after,
                    policy.lock_seconds,
                    1,
                    policy.address_factor,
                )
            )
        except redis.RedisError:
            # Fail open: staff must still be able to log in while Redis is away.
            log.warning("login throttle unavailable: Redis did not answer")
            return
        if wait > 0:
            raise ApiError(
                429,
                "Too many failed logins; wait before trying again.",
                code="login_throttled",
                headers={"Retry-After": str(int(wait) + 1)},
            )

    def succeeded(self, username, address):
        """Forget the pair's attempts, and give the address back this one."""
        try:
            with self.redis.pipeline() as pipe:
                pipe.delete(pair_key(username, address))
                pipe.hincrby(address_key(address), "n", -1)
                pipe.execute()
        except redis.RedisError:
            log.warning("login throttle unavailable: Redis did not answer")
