"""What an activity adds to the figures: the facts its feed entries carry, before and after.

Attendances (人次) of one activity = max(headcount, distinct check-ins). Staff report a
headcount that already includes the people who checked in; check-ins are individual
records that can only raise the figure, never add on top of it. So nobody is counted
twice, and an activity logged with check-ins only still counts every person once.
A void activity adds nothing. New-media 普法 counts its reach (views), never attendances.
"""

from services.activities.vocabularies import CADRE_STUDY
from shared.recording.records import VOID

# The columns the figures are kept by (and a rebuild may group by): every breakdown of the
# stats catalogue's activities, and where and when it took place.
DIMENSIONS = ("day", "township_code", "village_code", "type", "organiser", "audience", "late")


def lateness(late):
    """A record's `late` as the figures name it: "true" or "false" (the list filter's)."""
    return "true" if late else "false"


def attendances(activity):
    """The activity's attendance figure (人次)."""
    return max(activity.headcount, activity.checkins)


def facts(activity):
    """The activity's contribution to the figures, or None when it contributes nothing."""
    if activity.status == VOID:
        return None
    cadre = activity.type == CADRE_STUDY
    counted = attendances(activity)
    return {
        "activity_id": activity.id,
        **{name: getattr(activity, name) for name in DIMENSIONS},
        "day": activity.day.isoformat(),
        "late": lateness(activity.late),
        "sessions": 1,
        "attendances": counted,
        "online_reach": activity.online_reach,
        "checkins": activity.checkins,
        "cadre_sessions": int(cadre),
        "cadre_attendances": counted if cadre else 0,
    }
