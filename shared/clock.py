"""Time: stored in UTC, bucketed and defaulted in the county's time zone (Asia/Shanghai)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

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
