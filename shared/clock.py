"""Time: stored in UTC, bucketed and defaulted in the county's time zone (Asia/Shanghai)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from marshmallow import fields

LOCAL_ZONE = ZoneInfo("Asia/Shanghai")


def utcnow():
    """Now, in UTC, naive (how timestamps are stored)."""
    return datetime.now(UTC).replace(tzinfo=None)


def local_today():
    """Today's date in the county."""
    return datetime.now(LOCAL_ZONE).date()


def days_after(day, stored_moment):
    """Whole days from `day` to a stored (naive UTC) moment's date in the county."""
    return (stored_moment.replace(tzinfo=UTC).astimezone(LOCAL_ZONE).date() - day).days


def county_time(epoch_seconds):
    """A moment given as seconds since the epoch, in county time, RFC 3339, to the second."""
    moment = datetime.fromtimestamp(epoch_seconds, LOCAL_ZONE).replace(microsecond=0)
    return moment.isoformat()


def county_moment(value):
    """A stored moment (naive, in UTC) in county time with its offset, RFC 3339, to the
    microsecond (a moment compared against others stored so)."""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(LOCAL_ZONE).isoformat()


class CountyTime(fields.DateTime):
    """A stored moment (naive, in UTC) answered in county time with its offset, RFC 3339
    ("2024-03-04T10:00:00+08:00"): a client never has to guess the zone."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return county_moment(value)
